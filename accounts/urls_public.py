"""Public URLs of the accounts app (included by config/urls_public.py)."""

from django.urls import path
from django.views.generic import RedirectView

from accounts import views_find, views_public

urlpatterns = [
    path("signup/", views_public.signup, name="signup"),
    path("signup/address/", views_public.signup_address, name="signup_address"),
    path("find-account/", views_find.find_account, name="find-account"),
    # Min konto lives at each account's own address; here it leads to "Find my account".
    path("min-konto/", RedirectView.as_view(pattern_name="find-account"), name="minkonto-public"),
]
