"""public URLs of the billing app (included by config/urls_public.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
