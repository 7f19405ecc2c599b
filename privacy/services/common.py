"""What every privacy service needs: the guards, the requester's mails and the deadline rule."""

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.mailer import mail_send
from privacy.audit import audit_write
from privacy.models import AuditAction, PrivacyRequest, RequestStatus
from privacy.selectors import controller

CODE_TTL = timedelta(hours=24)
CODE_MAX_ATTEMPTS = 5
EXPORT_TTL = timedelta(days=14)
HANDOVER_DAYS = 10
MAX_EXTENSION_MONTHS = 2


class NotVerified(PermissionDenied):
    """Raised when anything would be disclosed, exported or erased for an unverified request."""


def due_date(received: date, months: int = 1) -> date:
    """GDPR-5: a calendar month, month-end aware (31 Jan -> 28/29 Feb), not 30 days."""
    return received + relativedelta(months=months)


def require_verified(request: PrivacyRequest) -> None:
    if not request.is_verified or request.status == RequestStatus.UNVERIFIED:
        raise NotVerified(_("The requester's identity has not been verified yet."))


def require_open(request: PrivacyRequest) -> None:
    if request.status not in {RequestStatus.OPEN, RequestStatus.HANDED_OVER}:
        raise ValidationError(_("This request is not open."))


def requester_mail(request: PrivacyRequest, template: str, actor: str, **context: Any) -> None:
    """A mail to the requester, in the requester's language, logged in the audit trail, signed
    by the controller (GDPR-10: the seller profile) and carrying the case reference."""
    mail_send(
        to=request.email,
        template=f"privacy/{template}",
        language=request.language,
        context={"req": request, "controller": controller(), **context},
        # Codes, verification and download links: the mail log must not hold them (issue 15).
        secret=("code", "link", "code_url", "pdf_url", "json_url"),
    )
    audit_write(request=request, action=AuditAction.MAIL, actor=actor, template=template)
