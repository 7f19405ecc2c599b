"""Public URLs of the privacy desk (included by config/urls_public.py)."""

from django.urls import path

from config import views

urlpatterns = [
    path("data-processing/", views.policy_placeholder, {"page": "data-processing"}, name="data-processing"),
]
