"""The one mailer. Every e-mail is rendered in the recipient's language from
`templates/email/<template>.subject.txt` / `.txt` (and `.html` when present), logged in MailLog,
and delivered after the surrounding transaction commits, so a rolled-back change sends nothing.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

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
) -> MailLog:
    """Render, log and (after commit) deliver one e-mail.

    `marketing=True` marks a message the recipient may refuse: the privacy desk decides whether
    it may go (consent, restriction, objection) and adds the one-click unsubscribe link."""
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
    log = MailLog.objects.create(
        created_at=now(),
        recipient=to,
        template=template,
        language=language,
        subject=subject[:255],
        body=body,
        account=account if account is not None and account.pk else None,
        status=MailStatus.SUPPRESSED if suppressed else MailStatus.QUEUED,
    )
    if not suppressed:
        transaction.on_commit(lambda: _deliver(log.pk, html))
    return log


def _deliver(log_id: int, html: str | None) -> None:
    log = MailLog.objects.get(pk=log_id)
    message = EmailMultiAlternatives(log.subject, log.body, settings.DEFAULT_FROM_EMAIL, [log.recipient])
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded, not raised
        MailLog.objects.filter(pk=log_id).update(status=MailStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}")
        return
    MailLog.objects.filter(pk=log_id).update(status=MailStatus.SENT, sent_at=now())
