"""minkonto URLs of the privacy app (included by config/urls_tenant.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
