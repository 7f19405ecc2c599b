"""Min konto pages of the billing app (included at /min-konto/ by config/urls_tenant.py)."""

from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("billing/", views.minkonto, name="minkonto"),
    path("billing/details/", views.details, name="details"),
    path("billing/details/reissue/", views.reissue, name="reissue"),
    path("billing/documents/<int:pk>/pdf/", views.document_pdf, name="document_pdf"),
]
