"""Min konto URLs of the subprocessors app (included at /min-konto/ by config/urls_tenant.py)."""

from django.urls import path

from subprocessors import views

app_name = "subprocessors"

urlpatterns = [
    path("subprocessors/", views.minkonto, name="minkonto"),
    path("subprocessors/object/<str:notice_id>/", views.minkonto_object, name="object"),
    path("subprocessors/notices/", views.minkonto_owner_notices, name="owner_notices"),
    path("subprocessors/dpa/", views.minkonto_dpa, name="dpa"),
    path("subprocessors/support-access/", views.minkonto_support_access, name="support_access"),
    path("terms/<int:number>/seen/", views.minkonto_terms_seen, name="terms_seen"),
]
