"""Min konto URLs of the privacy app (included by config/urls_tenant.py)."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.minkonto, name="minkonto"),
    path("privacy/consent/", views.minkonto_consent, name="consent"),
]
