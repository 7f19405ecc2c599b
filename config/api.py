"""/api/v1/ — the staff API. Each app registers its resources in its own `api.register()`."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
for app in ("accounts", "billing", "billing.subscriptions", "privacy", "subprocessors"):
    import_module(f"{app}.api").register(router)

urlpatterns = [
    path("", include(router.urls)),
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(urlconf="config.urls_public"), name="api-schema"),
]
