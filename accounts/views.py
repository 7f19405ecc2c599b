"""Min konto: the account's own pages on its host."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from accounts.forms import PortalPasswordResetForm


class LoginView(auth_views.LoginView):
    template_name = "minkonto/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        # The user's own language from now on, in this browser.
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.get_user().language, samesite="Lax")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "minkonto/password_reset.html"
    form_class = PortalPasswordResetForm
    success_url = reverse_lazy("minkonto:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "minkonto/password_reset_confirm.html"
    success_url = reverse_lazy("minkonto:password_reset_complete")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "minkonto/dashboard.html", {"account": request.tenant})
