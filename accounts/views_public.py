"""Sign-up on the public host (ACC-1, ACC-2, LTD-1) and its live address check."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.forms import SignupForm
from accounts.signup import SignupError, account_signup, slug_availability, slug_for
from accounts.throttle import address_key, ip_key, refusal


def _posted(request: HttpRequest):
    """The POST with the account's address filled in: the suggestion the person clicked
    (`use_slug`, the no-script way to accept it), else the typed address, else the one the
    company name gives — so a re-shown form always shows the address it was tried with."""
    data = request.POST.copy()
    if data.get("use_slug"):
        data["slug"] = data["use_slug"]
    if not data.get("slug", "").strip() and data.get("company"):
        data["slug"] = slug_for(data["company"])
    return data


def signup(request: HttpRequest) -> HttpResponse:
    initial = {"language": translation.get_language() if translation.get_language() in {"da", "nb"} else "da"}
    form = SignupForm(_posted(request) if request.method == "POST" else None, initial=initial)
    suggestion = ""
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
                    slug=data["slug"],
                    region=data["region"],
                    language=data["language"],
                    code=data["code"],
                    ticket=data["ticket"],
                )
            except SignupError as error:
                if error.field == "slug":
                    suggestion = slug_availability(data["slug"] or slug_for(data["company"]))[1]
                form.add_error(error.field if error.field in form.fields else None, str(error.message))
            else:
                # The Owner lands on the new host's welcome link to choose a password; the address
                # is proven only by the link in the e-mail (GDPR-4).
                return redirect(result.welcome_url)
    context = {"form": form, "suggestion": suggestion}
    return render(request, "public/signup.html", context, status=400 if form.errors else 200)


@require_GET
def signup_address(request: HttpRequest) -> JsonResponse:
    """ACC-1: is this account address free? {"status": "free" | "taken" | "invalid",
    "suggestion", "message"} for the sign-up form's live check (static/js/site.js). Counted per
    IP address (`signup_check_ip`); it only reads, so it fails open without Redis."""
    if message := refusal(request, [("signup_check_ip", ip_key(request))]):
        return JsonResponse({"status": "throttled", "suggestion": "", "message": message}, status=429)
    slug = request.GET.get("slug", "").strip().lower()[:63]
    status, suggestion = slug_availability(slug)
    message = {
        "free": _("%(slug)s is free.") % {"slug": slug},
        "taken": _("%(slug)s is taken.") % {"slug": slug},
        "invalid": _("The account's address may contain only a-z, 0-9 and hyphens."),
    }[status]
    return JsonResponse(
        {
            "slug": slug,
            "status": status,
            "suggestion": suggestion,
            "message": message,
            "use": _("Use %(suggestion)s") % {"suggestion": suggestion} if suggestion else "",
        }
    )
