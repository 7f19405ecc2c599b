"""Sign-up on the public host (ACC-1, ACC-2, LTD-1)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation

from accounts.forms import SignupForm
from accounts.signup import SignupError, account_signup
from accounts.throttle import address_key, ip_key, refusal


def signup(request: HttpRequest) -> HttpResponse:
    initial = {"language": translation.get_language() if translation.get_language() in {"da", "nb"} else "da"}
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST":
        # ACC-2: sign-ups per IP address and per e-mail address (settings.RATE_LIMITS); every
        # attempt counts. Fails closed without Redis (accounts/throttle.py).
        checks = [("signup_ip", ip_key(request))]
        if form.is_valid():
            checks.append(("signup_address", address_key(form.cleaned_data["email"])))
        if message := refusal(request, checks):
            form.add_error(None, message)
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
                    ticket=data["ticket"],
                )
            except SignupError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                # The Owner lands on the new host's welcome link to choose a password; the address
                # is proven only by the link in the e-mail (GDPR-4).
                return redirect(result.welcome_url)
    return render(request, "public/signup.html", {"form": form}, status=400 if form.errors else 200)
