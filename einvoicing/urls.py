"""Min konto pages of the e-invoicing app (included at /min-konto/ by config/urls_tenant.py)."""

from django.urls import path

from einvoicing import views

app_name = "einvoicing"

urlpatterns = [
    path("billing/documents/<int:pk>/xml/<str:syntax>/", views.document_xml, name="xml"),
]
