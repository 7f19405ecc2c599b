"""Min konto: the account's own pages on its host."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.confirmation import email_confirm
from accounts.forms import (
    AcceptInvitationForm,
    InviteForm,
    PortalPasswordResetForm,
    RoleForm,
    StopAccountForm,
    WelcomePasswordForm,
)
from accounts.lifecycle import LifecycleError, account_cancel, reactivation_deadline
from accounts.logins import DEVICE_COOKIE, SESSION_KEY, client_ip, device_id_for, login_record
from accounts.permissions import (
    MANAGE_USERS,
    MANAGERS,
    STOP_ACCOUNT,
    may_open,
    owner_or_admin_required,
    owner_required,
    role_require,
)
from accounts.signup import welcome_user_for
from accounts.throttle import address_key, ip_key, refusal
from accounts.users.models import Role, User
from accounts.users.services import (
    TeamError,
    invitation_accept,
    invitation_withdraw,
    lifetime_seats,
    user_invite,
    user_remove,
    user_role_change,
)
from accounts.users.team_page import team_page
from accounts.workspace.models import Invitation
from config.bad_input import token_plausible
from config.views import LANGUAGE_CHOSEN
from core import support_access
from core.links import account_url
from core.transitions import IllegalTransition

DEVICE_COOKIE_AGE = 400 * 24 * 3600


def _remember_login(request: HttpRequest, response: HttpResponse, user: User) -> None:
    """ACC-8 / ACC-11: record the login's device and network, stamp the account's last login."""
    device_id = device_id_for(request)
    record = login_record(
        account=request.tenant,
        user=user,
        device_id=device_id,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip=client_ip(request),
    )
    request.session[SESSION_KEY] = record.pk
    response.set_cookie(DEVICE_COOKIE, device_id, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax")
    # The user's own language from now on, in this browser.
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax")


manager_required = owner_or_admin_required(refusal=MANAGE_USERS)


class LoginView(auth_views.LoginView):
    template_name = "minkonto/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        # ACC-1: a language picked on the login page wins over the saved one and is saved.
        chosen = self.request.session.pop(LANGUAGE_CHOSEN, None)
        user = form.get_user()
        if chosen in {code for code, _name in settings.LANGUAGES} and chosen != user.language:
            user.language = chosen
            user.save(update_fields=["language"])
        response = super().form_valid(form)
        _remember_login(self.request, response, user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "minkonto/password_reset.html"
    form_class = PortalPasswordResetForm
    success_url = reverse_lazy("minkonto:password_reset_done")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        # Counted per typed address whether or not it has a user, so the answer tells nothing.
        checks = [
            ("password_reset_ip", ip_key(self.request)),
            ("password_reset_address", address_key(form.cleaned_data["email"])),
        ]
        if message := refusal(self.request, checks):
            form.add_error(None, message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "minkonto/password_reset_confirm.html"
    success_url = reverse_lazy("minkonto:password_reset_complete")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        # GDPR-4: the reset link was read in the mailbox, so the address is proven.
        email_confirm(account=self.request.tenant, user=form.user, how="password_reset")
        return response


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    account = request.tenant
    context: dict[str, Any] = {"account": account, "reactivate_by": reactivation_deadline(account)}
    if request.user.role == Role.OWNER:
        # ACC-15: the Owner sees every staff support entry.
        context["support_entries"] = support_access.entries_page(account=account, page=request.GET.get("page"))
    return render(request, "minkonto/dashboard.html", context)


def password_choose(request: HttpRequest, user: User) -> HttpResponse:
    """The set-password form of the welcome and confirmation links. Nobody is logged in until a
    password is chosen: the link opens this form and nothing else."""
    form = WelcomePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set. Welcome to My account."))
        response = redirect("minkonto:dashboard")
        _remember_login(request, response, user)
        return response
    context = {"form": form, "account": request.tenant, "confirmed": user.email_confirmed}
    return render(request, "minkonto/welcome.html", context, status=400 if form.errors else 200)


def welcome(request: HttpRequest, token: str) -> HttpResponse:
    """Right after sign-up: choose a password. It proves nothing about the address (GDPR-4)."""
    user = welcome_user_for(token)
    if user is None:
        messages.error(request, _("This link has been used or has expired. Log in, or reset your password."))
        return redirect("minkonto:login")
    return password_choose(request, user)


@login_required
def users(request: HttpRequest) -> HttpResponse:
    account = request.tenant
    invite_form = InviteForm(request.POST or None)
    if request.method == "POST":
        role_require(request.user, MANAGERS, MANAGE_USERS)
        if invite_form.is_valid() and (message := refusal(request, [("invitation_user", str(request.user.pk))])):
            # Each invitation mails an address the inviter typed: capped per inviting user.
            invite_form.add_error(None, message)
        elif invite_form.is_valid():
            try:
                user_invite(
                    account=account,
                    actor=request.user,
                    email=invite_form.cleaned_data["email"],
                    role=invite_form.cleaned_data["role"],
                    accept_url_base=account_url(account, "/min-konto/invitation/"),
                )
            except TeamError as error:
                invite_form.add_error(None, str(error.message))
            else:
                messages.success(
                    request, _("An invitation was sent to %(email)s.") % {"email": invite_form.cleaned_data["email"]}
                )
                return redirect("minkonto:users")
    # Issue 14: each figure asked once; the two counts also number the list's pages.
    members = User.objects.filter(is_active=True).count()
    invited = Invitation.objects.filter(accepted_at__isnull=True).count()
    lifetime = lifetime_seats(account)
    context = {
        "account": account,
        "team": team_page(page=request.GET.get("page"), users=members, invitations=invited),
        "invite_form": invite_form,
        "seats_used": members + invited,  # as seats_used(): an invitation holds a seat
        "seat_limit": lifetime or account.seat_limit,
        "lifetime": lifetime is not None,
        "can_manage": may_open(request.user, user_role),
        "role_choices": RoleForm().fields["role"].choices,
    }
    return render(request, "minkonto/users.html", context, status=400 if invite_form.errors else 200)


@require_POST
@manager_required
def user_role(request: HttpRequest, user_id: int) -> HttpResponse:
    form = RoleForm(request.POST)
    target = get_object_or_404(User, pk=user_id, is_active=True)
    if form.is_valid():
        try:
            user_role_change(account=request.tenant, actor=request.user, user=target, role=form.cleaned_data["role"])
            messages.success(request, _("The role of %(email)s was changed.") % {"email": target.email})
        except TeamError as error:
            messages.error(request, str(error.message))
    return redirect("minkonto:users")


@require_POST
@manager_required
def user_delete(request: HttpRequest, user_id: int) -> HttpResponse:
    target = get_object_or_404(User, pk=user_id, is_active=True)
    try:
        user_remove(account=request.tenant, actor=request.user, user=target)
        messages.success(request, _("%(email)s no longer has access.") % {"email": target.email})
    except TeamError as error:
        messages.error(request, str(error.message))
    return redirect("minkonto:users")


@require_POST
@manager_required
def invitation_delete(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=invitation_id, accepted_at__isnull=True)
    invitation_withdraw(account=request.tenant, actor=request.user, invitation=invitation)
    messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("minkonto:users")


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    account = request.tenant
    pending = (
        Invitation.objects.filter(token=token, accepted_at__isnull=True).first() if token_plausible(token) else None
    )
    if pending is None:
        messages.error(request, _("This invitation is no longer valid. Ask the account's Owner for a new one."))
        return redirect("minkonto:login")
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(
                account=account,
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                language=request.LANGUAGE_CODE if request.LANGUAGE_CODE in {"da", "nb", "en"} else account.language,
            )
        except TeamError as error:
            form.add_error(None, str(error.message))
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            response = redirect("minkonto:dashboard")
            _remember_login(request, response, user)
            return response
    return render(request, "minkonto/invitation.html", {"form": form, "invitation": pending, "account": account})


@owner_required(refusal=STOP_ACCOUNT)
def stop(request: HttpRequest) -> HttpResponse:
    """ACC-10 "Stop konto": confirmed twice, effective at once, access ends, data deleted."""
    account = request.tenant
    form = StopAccountForm(request.POST or None, slug=account.slug)
    if request.method == "POST" and form.is_valid():
        try:
            account_cancel(account=account, actor=request.user.email, reason="Stop konto in Min konto")
        except (LifecycleError, IllegalTransition) as error:
            form.add_error(None, str(error.message))
        else:
            auth_logout(request)
            return redirect("minkonto:dashboard")
    return render(request, "minkonto/stop.html", {"form": form, "account": account}, status=400 if form.errors else 200)
