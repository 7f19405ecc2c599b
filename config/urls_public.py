"""URLs of the public host: landing and policy pages, the staff admin and the API."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import metrics, views

admin.site.site_header = _("Kontoportal staff")
admin.site.site_title = _("Kontoportal staff")
admin.site.index_title = _("Back office")

urlpatterns = [
    path("", views.landing, name="landing"),
    # Each app owns its public pages.
    path("", include("accounts.urls_public")),
    path("", include("billing.urls_public")),
    path("", include("privacy.urls_public")),
    path("", include("subprocessors.urls_public")),
    path("admin/console/", include("console.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("i18n/setlang/", views.switch_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
]

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
