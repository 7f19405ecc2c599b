"""Min konto URLs of plans, seats and payment methods (included by config/urls_tenant.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
