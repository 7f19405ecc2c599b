"""The one mailer. Every e-mail is rendered in the recipient's language from
`templates/email/<template>.subject.txt` / `.txt` (and `.html` when present), logged in MailLog,
and delivered after the surrounding transaction commits, so a rolled-back change sends nothing.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from accounts.mail_redact import redact, secret_values
from accounts.models import Account, MailLog, MailStatus
from config.clock import now


def mail_send(
    *,
    to: str,
    template: str,
    language: str,
    context: dict[str, Any] | None = None,
    account: Account | None = None,
    marketing: bool = False,
    secret: Iterable[str] = (),
) -> MailLog:
    """Render, log and (after commit) deliver one e-mail.

    `marketing=True` marks a message the recipient may refuse: the privacy desk decides whether
    it may go (consent, restriction, objection) and adds the one-click unsubscribe link.
    `secret` names context values that must not reach the log (links that log in, reset,
    confirm or download, codes); the mailer also finds links with tokens and codes itself
    (accounts/mail_redact.py). The log keeps a note that one was sent; the mail keeps it."""
    context = {**(context or {}), "portal_name": "Kontoportal"}
    suppressed = False
    if marketing:
        from privacy.marketing import marketing_allowed, unsubscribe_url

        suppressed = not marketing_allowed(to)
        context["unsubscribe_url"] = unsubscribe_url(to)
    with translation.override(language):
        subject = " ".join(render_to_string(f"email/{template}.subject.txt", context).split())
        body = render_to_string(f"email/{template}.txt", context)
        try:
            html = render_to_string(f"email/{template}.html", context)
        except TemplateDoesNotExist:
            html = None
        secrets = secret_values(context, declared=[*secret, "unsubscribe_url"])
        logged_subject, logged_body = redact(subject, secrets), redact(body, secrets)
    log = MailLog.objects.create(
        created_at=now(),
        recipient=to,
        template=template,
        language=language,
        subject=logged_subject[:255],
        body=logged_body,
        account=account if account is not None and account.pk else None,
        status=MailStatus.SUPPRESSED if suppressed else MailStatus.QUEUED,
    )
    if not suppressed:
        # The mail itself goes out from memory: the log row no longer holds its links and codes.
        transaction.on_commit(lambda: _deliver(log.pk, subject[:255], body, html))
    return log


def _deliver(log_id: int, subject: str, body: str, html: str | None) -> None:
    log = MailLog.objects.get(pk=log_id)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [log.recipient])
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded, not raised
        MailLog.objects.filter(pk=log_id).update(status=MailStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}")
        return
    MailLog.objects.filter(pk=log_id).update(status=MailStatus.SENT, sent_at=now())
