"""URLs of an account host: Min konto only. No admin and no staff pages here."""

from django.urls import include, path
from django.views.generic import RedirectView

from config import views

urlpatterns = [
    path("", RedirectView.as_view(url="/min-konto/", permanent=False)),
    # Min konto: each app owns its pages under /min-konto/.
    path("min-konto/", include("accounts.urls")),
    path("min-konto/", include("billing.urls_minkonto")),
    path("min-konto/", include("einvoicing.urls")),
    path("min-konto/", include("billing.subscriptions.urls_minkonto")),
    path("min-konto/", include("privacy.urls_minkonto")),
    path("min-konto/", include("subprocessors.urls_minkonto")),
    path("i18n/setlang/", views.switch_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
]

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
