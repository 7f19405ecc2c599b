"""Receiving a request (GDPR-2, -3) and letting go of one never verified (GDPR-4)."""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.users.models import User
from config.clock import now
from privacy import uploads
from privacy.audit import SUBJECT, SYSTEM, audit_write
from privacy.models import AuditAction, Channel, PrivacyRequest, RequestKind, RequestRole, RequestStatus
from privacy.services.common import due_date
from privacy.services.verification import mark_verified, verification_send

UNVERIFIED_KEPT = timedelta(days=30)


@transaction.atomic
def request_file(
    *,
    kind: str,
    email: str,
    full_name: str,
    language: str,
    details: str = "",
    channel: str = Channel.PUBLIC,
    role: str = RequestRole.CONTROLLER,
    account: Account | None = None,
    company: str = "",
    processor_name: str = "",
    signature_name: str = "",
    signature_confirmed: bool = False,
    signed_letter: Any = None,
    portability_target: str = "",
    logged_in_user: User | None = None,
) -> PrivacyRequest:
    """File a request. A logged-in account user whose address is confirmed (GDPR-4: a login
    alone proves nothing about the address) asking about their own data is verified at once;
    anyone else gets a link and a one-time code by e-mail."""
    email = email.strip().lower()
    received = now()
    # Each public request mails the address a code: the views cap them per address and per IP
    # (accounts/throttle.py, settings.RATE_LIMITS).
    if role == RequestRole.PROCESSOR and account is None and company.strip():
        # The desk still decides the hand-over; a matching name saves it a look-up.
        account = Account.objects.customers().filter(name__iexact=company.strip()).first()
    request = PrivacyRequest(
        kind=kind,
        email=email,
        full_name=full_name.strip(),
        language=language if language in {"da", "nb", "en"} else "da",
        details=details,
        channel=channel,
        role=role,
        account=account,
        company=company,
        processor_name=processor_name,
        signature_name=signature_name,
        signature_confirmed=signature_confirmed,
        portability_target=portability_target,
        received_at=received,
        due_on=due_date(timezone.localdate(received)),
    )
    if signed_letter:
        # Checked here too, whatever form or caller handed it over: size and type by content.
        original_name = getattr(signed_letter, "original_name", signed_letter.name)
        uploads.letter_check(signed_letter)
        request.signed_letter = signed_letter
        request.signed_letter_name = (original_name or "")[:255]
    if kind == RequestKind.CONSENT_WITHDRAWAL and channel == Channel.WRITTEN:
        # GDPR-3: the written route carries company, subject, processor, text and a signature.
        signed = bool((signature_confirmed and signature_name) or signed_letter)
        if not (company and processor_name and details and signed):
            raise ValidationError(
                _("A written withdrawal needs the company, the data processor, your request and your signature.")
            )
    request.full_clean(exclude=["signed_letter", "code_hash"])
    request.save()
    audit_write(request=request, action=AuditAction.RECEIVED, actor=SUBJECT, kind=kind, channel=channel, role=role)
    if logged_in_user is not None and logged_in_user.email.lower() == email and logged_in_user.email_confirmed:
        mark_verified(request, method="account_login", actor=SUBJECT)
    else:
        verification_send(request)
    return request


def requests_unverified_stale(at: datetime) -> QuerySet[PrivacyRequest]:
    return PrivacyRequest.objects.filter(status=RequestStatus.UNVERIFIED, received_at__lt=at - UNVERIFIED_KEPT)


@transaction.atomic
def request_purge(*, request: PrivacyRequest) -> None:
    """GDPR-4: an unverified request is deleted after 30 days; its audit rows stay (no address)."""
    if request.status != RequestStatus.UNVERIFIED:
        raise ValidationError("only unverified requests are purged")
    audit_write(request=request, action=AuditAction.PURGED, actor=SYSTEM, kind=request.kind)
    # GDPR-7: the uploaded letter goes with its request.
    uploads.letter_delete_on_commit(request.signed_letter.name)
    request.delete()
