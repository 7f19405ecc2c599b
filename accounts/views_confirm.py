"""Min konto: confirming the e-mail address (GDPR-4, accounts/confirmation.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.confirmation import confirm_user_for, confirmation_send, email_confirm
from accounts.lifecycle import LifecycleError
from accounts.views import password_choose
from core.links import account_url


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link: the address is proven. An Owner fresh from sign-up without a password
    chooses one here; otherwise the link only confirms and logs nobody in."""
    user = confirm_user_for(token)
    if user is None:
        messages.error(
            request,
            _("This confirmation link is not valid or has expired. Log in and ask for a new one in My account."),
        )
        return redirect("minkonto:login")
    email_confirm(account=request.tenant, user=user, how="email_link")
    if not user.has_usable_password():
        return password_choose(request, user)
    messages.success(request, _("Your e-mail address is confirmed."))
    return redirect("minkonto:dashboard")


@require_POST
@login_required
def confirmation_resend(request: HttpRequest) -> HttpResponse:
    account = request.tenant
    if request.user.email_confirmed:
        messages.info(request, _("Your e-mail address is confirmed."))
    else:
        try:
            confirmation_send(account=account, user=request.user, url_for=lambda path: account_url(account, path))
        except LifecycleError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("We have sent a confirmation link to %(email)s. It works for 3 days.")
                % {"email": request.user.email},
            )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/min-konto/"
    return redirect(back)
