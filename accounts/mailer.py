"""The one mailer. Every e-mail is rendered in the recipient's language from
`templates/email/<template>.subject.txt` / `.txt` (and `.html` when present), logged in MailLog,
and delivered after the surrounding transaction commits, so a rolled-back change sends nothing.
The subject and text part are rendered without HTML escaping; a refused delivery is retried
(accounts/mail_delivery.py).
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

from accounts.mail_redact import redact, secret_values
from accounts.models import Account, MailLog, MailStatus
from accounts.tasks import mail_deliver_first
from config.clock import now
from core import hooks


def _render_text(name: str, context: dict[str, Any]) -> str:
    """A plain-text part is not HTML: "Blåbær & Ærø A/S" stays "&", not "&amp;". Only the
    .html part is escaped."""
    return get_template(name).template.render(Context(context, autoescape=False))


def mail_send(
    *,
    to: str,
    template: str,
    language: str,
    context: dict[str, Any] | None = None,
    account: Account | None = None,
    marketing: bool = False,
    secret: Iterable[str] = (),
    attachments: Iterable[dict[str, Any]] = (),
) -> MailLog:
    """Render, log and (after commit) deliver one e-mail.

    `marketing=True` marks a message the recipient may refuse: the privacy desk decides whether
    it may go (consent, restriction, objection) and adds the one-click unsubscribe link.
    `secret` names context values that must not reach the log (links that log in, reset,
    confirm or download, codes); the mailer also finds links with tokens and codes itself
    (accounts/mail_redact.py). The log keeps a note that one was sent; the mail keeps it.

    `attachments` are references, not bytes (e.g. {"kind": "document_pdf", "id": 42}): the app
    that owns the file resolves one when the mail is delivered (core.hooks.mail_attachment), so
    neither the log nor the retry outbox holds a file."""
    context = {**(context or {}), "portal_name": "Kontoportal"}
    suppressed = False
    if marketing:
        # The privacy desk answers through core.hooks (accounts does not import it).
        suppressed = not hooks.marketing_allowed(to)
        context["unsubscribe_url"] = hooks.unsubscribe_url(to)
    with translation.override(language):
        subject = " ".join(_render_text(f"email/{template}.subject.txt", context).split())
        body = _render_text(f"email/{template}.txt", context)
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
        message = {"to": to, "subject": subject[:255], "body": body, "html": html, "attachments": list(attachments)}
        transaction.on_commit(lambda: mail_deliver_first(log.pk, message))
    return log
