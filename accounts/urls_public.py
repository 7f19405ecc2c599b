"""Public URLs of the accounts app (included by config/urls_public.py)."""

from django.urls import path

from accounts import views_public

urlpatterns = [
    path("signup/", views_public.signup, name="signup"),
    path("signup/address/", views_public.signup_address, name="signup_address"),
]
