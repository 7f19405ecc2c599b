import secrets
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from accounts.mailer import mail_send
from accounts.models import Region, SignupTicket
from accounts.services import HOSTNAME_LABEL
from accounts.users.models import Role, User
from config.clock import now
from config.tokens import token_make, token_read


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending through the one mailer (logged, in the user's language)."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user: User = context["user"]
        mail_send(
            to=to_email,
            template="password_reset",
            language=user.language,
            context={
                "user": user,
                "reset_url": f"{context['protocol']}://{context['domain']}/min-konto/reset/{context['uid']}/{context['token']}/",
            },
            secret=("reset_url",),  # the mail log keeps no working reset link
        )


# --- Sign-up (public host) ---


class SignupForm(forms.Form):
    """ACC-1 / ACC-2 / LTD-1. `slug` is the account's address, proposed from the company name
    (by site.js while typing, by the view when left empty) and editable. `website` is a honeypot
    (hidden from people, filled by bots); `started` is an encrypted time stamp, good for one
    sign-up (its nonce becomes a SignupTicket with the account) and for 24 hours. There is no
    minimum fill time: people who let the browser autofill the form send it within a second,
    so bots are held off by the honeypot, the single-use token and the rate limits. Lengths match the columns they end in
    (User.email, AuditEvent.actor_label: 254; User.full_name, Account.name: 200)."""

    full_name = forms.CharField(label=_("Full legal name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    company = forms.CharField(label=_("Company or organisation"), max_length=200)
    slug = forms.CharField(
        label=_("Account address"),
        max_length=63,
        required=False,
        help_text=_(
            "Your helpdesk's address: a-z, 0-9 and hyphens. Proposed from the company name; you may change it."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "data-slug-check": "/signup/address/"}
        ),
    )
    region = forms.ChoiceField(
        label=_("Data region"),
        choices=Region.choices,
        help_text=_("Your data is stored in this region."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=[("da", _("Danish")), ("nb", _("Norwegian Bokmål"))])
    code = forms.CharField(label=_("Lifetime code (optional)"), max_length=64, required=False)
    adult = forms.BooleanField(label=_("I confirm that I am 18 years or older."))
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started"] = started_token()
        self.fields["adult"].error_messages["required"] = _("You must be 18 or older to create an account.")

    def clean_slug(self) -> str:
        value = self.cleaned_data["slug"].strip().lower()
        if value and not HOSTNAME_LABEL.fullmatch(value):
            raise forms.ValidationError(_("The account's address may contain only a-z, 0-9 and hyphens."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(BOT_MESSAGE, code="bot")
        started = token_read(STARTED_PURPOSE, data.get("started", ""), max_age=STARTED_MAX_AGE) or {}
        if not isinstance(started.get("t"), int | float) or not isinstance(started.get("n"), str):
            raise forms.ValidationError(BOT_MESSAGE, code="bot")
        if SignupTicket.objects.filter(nonce=started["n"]).exists():
            raise forms.ValidationError(TICKET_USED_MESSAGE, code="bot")
        data["ticket"] = started["n"]
        return data


STARTED_PURPOSE = "accounts.signup.started"
STARTED_MAX_AGE = timedelta(hours=24)
BOT_MESSAGE = _("We could not accept this sign-up. Please fill in the form again, calmly, and send it.")
TICKET_USED_MESSAGE = _("This form has already created an account. Open the sign-up page again to create another.")


def started_token(at: float | None = None) -> str:
    """The form's timer token: when the form was shown, and a nonce that makes it single use."""
    return token_make(STARTED_PURPOSE, {"t": now().timestamp() if at is None else at, "n": secrets.token_hex(12)})


# --- Min konto ---


class WelcomePasswordForm(SetPasswordForm):
    pass


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.AGENT, Role.AGENT.label), (Role.ADMIN, Role.ADMIN.label)])


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[(Role.AGENT, Role.AGENT.label), (Role.ADMIN, Role.ADMIN.label)])


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        if data.get("password1"):
            password_validation.validate_password(data["password1"])
        return data


class StopAccountForm(forms.Form):
    """ACC-10: confirmed twice — the box, and the account's address typed out."""

    understand = forms.BooleanField(
        label=_("I understand that the account is closed at once, all its data is deleted and cannot be recovered.")
    )
    confirm_slug = forms.CharField(label=_("Type the account's address to confirm"), max_length=63)

    def __init__(self, *args: Any, slug: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.slug = slug

    def clean_confirm_slug(self) -> str:
        value = self.cleaned_data["confirm_slug"].strip().lower()
        if value != self.slug:
            raise forms.ValidationError(_("That is not this account's address (%(slug)s).") % {"slug": self.slug})
        return value
