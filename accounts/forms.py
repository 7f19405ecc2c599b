from typing import Any

from django.contrib.auth.forms import PasswordResetForm

from accounts.mailer import mail_send
from accounts.users.models import User


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
        )
