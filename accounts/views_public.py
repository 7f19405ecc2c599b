"""Sign-up on the public host (ACC-1, ACC-2, LTD-1)."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.forms import SignupForm
from accounts.logins import client_ip
from accounts.signup import SignupError, account_signup

# ACC-2: sign-ups per IP address per hour.
SIGNUP_RATE = 5
SIGNUP_RATE_WINDOW = 3600


def _rate_limited(request: HttpRequest) -> bool:
    limit = getattr(settings, "SIGNUP_RATE_LIMIT", SIGNUP_RATE)
    key = f"signup-rate:{client_ip(request)}"
    cache.add(key, 0, SIGNUP_RATE_WINDOW)
    return cache.incr(key) > limit


def signup(request: HttpRequest) -> HttpResponse:
    initial = {"language": translation.get_language() if translation.get_language() in {"da", "nb"} else "da"}
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if _rate_limited(request):
            form.is_valid()
            form.add_error(None, _("Too many sign-ups from your network. Please try again in an hour."))
            return render(request, "public/signup.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = account_signup(
                    full_name=data["full_name"],
                    email=data["email"],
                    company=data["company"],
                    region=data["region"],
                    language=data["language"],
                    code=data["code"],
                )
            except SignupError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                # The Owner lands in Min konto on the new host, logged in by the welcome link.
                return redirect(result.welcome_url)
    return render(request, "public/signup.html", {"form": form}, status=400 if form.errors else 200)
