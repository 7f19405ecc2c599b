"""Public URLs of the registry and policy pages (included by config/urls_public.py)."""

from django.urls import path

from config import views

urlpatterns = [
    path("terms/", views.policy_placeholder, {"page": "terms"}, name="terms"),
    path("subprocessors/", views.policy_placeholder, {"page": "subprocessors"}, name="subprocessors"),
]
