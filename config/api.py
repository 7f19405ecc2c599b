"""/api/v1/ — the staff API. Each app registers its resources in its own `api.register()`."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from accounts.lockout import obtain_auth_token

router = DefaultRouter()
for app in ("accounts", "billing", "billing.subscriptions", "einvoicing", "privacy", "subprocessors"):
    import_module(f"{app}.api").register(router)

urlpatterns = [
    path("", include(router.urls)),
    # ACC-2: the token endpoint answers a locked user+IP pair with 429 (accounts/lockout.py).
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(urlconf="config.urls_public"), name="api-schema"),
]
