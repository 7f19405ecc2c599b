"""Receiving a request (GDPR-2, -3), registering one received by e-mail, phone or letter
(GDPR-10) and letting go of one never verified (GDPR-4)."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.users.models import User
from config.clock import now, seller_date, today
from privacy import uploads
from privacy.audit import SUBJECT, SYSTEM, actor_label, audit_write
from privacy.models import (
    AuditAction,
    Channel,
    PrivacyRequest,
    RequestAttachment,
    RequestKind,
    RequestRole,
    RequestStatus,
)
from privacy.services.common import due_date
from privacy.services.verification import mark_verified, verification_send

UNVERIFIED_KEPT = timedelta(days=30)
# GDPR-10: the ways a request reaches staff outside the portal.
STAFF_CHANNELS = (Channel.EMAIL, Channel.PHONE, Channel.LETTER)


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
    received_at: datetime | None = None,
    registered_by: User | None = None,
    attachments: Sequence[Any] = (),
) -> PrivacyRequest:
    """File a request. A logged-in account user whose address is confirmed (GDPR-4: a login
    alone proves nothing about the address) asking about their own data is verified at once;
    anyone else gets a link and a one-time code by e-mail."""
    email = email.strip().lower()
    received = received_at or now()
    # Checked before anything is stored: one bad file refuses the whole request.
    for file in attachments:
        attachment_check(file)
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
        # GDPR-5, -10: the month runs from the day we received it, not from the day it was typed in.
        due_on=due_date(seller_date(received)),
        registered_by=registered_by,
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
    for file in attachments:
        RequestAttachment.objects.create(
            request=request, file=file, name=(getattr(file, "original_name", "") or "")[:255], uploaded_at=now()
        )
    audit_write(
        request=request,
        action=AuditAction.RECEIVED,
        actor=actor_label(registered_by) if registered_by else SUBJECT,
        kind=kind,
        channel=channel,
        role=role,
        reference=request.reference,
        received=received.isoformat(),
        attachments=len(attachments),
    )
    if logged_in_user is not None and logged_in_user.email.lower() == email and logged_in_user.email_confirmed:
        mark_verified(request, method="account_login", actor=SUBJECT)
    else:
        verification_send(request)
    return request


def attachment_check(file: Any) -> None:
    """A PDF, PNG or JPEG of at most UPLOAD_MAX_MB, by content (privacy/uploads.py)."""
    file.original_name = getattr(file, "original_name", None) or file.name
    try:
        uploads.letter_check(file)
    except ValidationError as exc:
        if exc.code == "wrong_type":
            raise ValidationError(
                _("%(name)s is not a PDF, PNG or JPEG file. Attach only PDF files or pictures.")
                % {"name": file.original_name},
                code="wrong_type",
            ) from exc
        raise


def received_on_check(received_on: date | None) -> datetime:
    """GDPR-10: the day the request reached us starts its deadline, so it is required and can
    only be today or in the past."""
    if received_on is None:
        raise ValidationError(_("Enter the date the request was received."), code="required")
    if received_on > today():
        raise ValidationError(_("The date received cannot be in the future."), code="future")
    if received_on == today():
        return now()
    return timezone.make_aware(datetime.combine(received_on, time(12, 0)))


@transaction.atomic
def request_register(
    *,
    staff: User,
    kind: str,
    channel: str,
    received_on: date | None,
    email: str,
    full_name: str,
    language: str,
    details: str = "",
    account: Account | None = None,
    attachments: Sequence[Any] = (),
) -> PrivacyRequest:
    """GDPR-10: staff register a request received by e-mail, phone or letter. The requester
    still verifies their address by the one-time code before anything is disclosed, and the
    mails give them the case reference."""
    if channel not in STAFF_CHANNELS:
        raise ValidationError(_("Choose how the request was received: e-mail, phone or letter."), code="channel")
    received_at = received_on_check(received_on)
    return request_file(
        kind=kind,
        email=email,
        full_name=full_name,
        language=language,
        details=details,
        channel=channel,
        account=account,
        received_at=received_at,
        registered_by=staff,
        attachments=attachments,
    )


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
    for attachment in request.attachments.all():
        uploads.letter_delete_on_commit(attachment.file.name)
    request.delete()
