from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from accounts.mail_redact import CODE_IN_TEXT, redact, removed_code_note
from accounts.models import MailLog

# Templates whose body carried a one-time code before the log was redacted at write time.
CODE_TEMPLATES = ("privacy/verify",)


class Command(BaseCommand):
    help = (
        "Remove links with tokens and one-time codes from mail log rows written before the mailer "
        "redacted them (issue 15): the log shows that a link or code was sent, never the link. "
        "Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = 0
        for log in MailLog.objects.only("pk", "language", "template", "subject", "body").iterator():
            with translation.override(log.language or "da"):
                body = redact(log.body, set())
                if log.template in CODE_TEMPLATES:
                    body = CODE_IN_TEXT.sub(removed_code_note(), body)
                subject = redact(log.subject, set())
            if (body, subject) != (log.body, log.subject):
                MailLog.objects.filter(pk=log.pk).update(body=body, subject=subject[:255])
                changed += 1
        self.stdout.write(f"{changed} mail log row(s) redacted.")
