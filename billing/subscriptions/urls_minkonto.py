"""Min konto URLs of plans, seats and payment methods (included by config/urls_tenant.py)."""

from django.urls import path

from billing.subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("plan/", views.minkonto, name="minkonto"),
    path("plan/preview/", views.preview, name="preview"),
    path("plan/change/", views.change, name="change"),
    path("plan/start/", views.start, name="start"),
    path("plan/start/preview/", views.start_preview, name="start_preview"),
    path("plan/payment-method/", views.payment_method, name="payment_method"),
]
