"""The "Find my account" page of the public host (accounts/find_account.py)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from accounts.find_account import FindAccountForm, find_account_mail
from accounts.throttle import address_key, ip_key, refusal


def find_account(request: HttpRequest) -> HttpResponse:
    form = FindAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        # Per typed address and per IP, whether or not the address has a user; fails open.
        checks = [("find_account_ip", ip_key(request)), ("find_account_address", address_key(email))]
        if message := refusal(request, checks):
            form.add_error(None, message)
            return render(request, "public/find_account.html", {"form": form}, status=429)
        # The mail reads in the language of the page the person used.
        language = translation.get_language() if translation.get_language() in {"da", "nb"} else "da"
        find_account_mail(email, language)
        return render(request, "public/find_account.html", {"form": FindAccountForm(), "sent": True})
    return render(request, "public/find_account.html", {"form": form}, status=400 if form.errors else 200)
