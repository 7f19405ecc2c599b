"""Verifying the requester's identity (GDPR-4): a one-time code or link by e-mail, or a login
with a confirmed address. Nothing is disclosed before this succeeds."""

import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.clock import now
from core.links import public_url
from core.transitions import transition
from privacy import outcomes
from privacy.audit import SUBJECT, SYSTEM, audit_write
from privacy.links import verify_token, verify_token_matches, verify_token_read
from privacy.models import AuditAction, ConsentSource, PrivacyRequest, RequestKind, RequestStatus
from privacy.services.common import CODE_MAX_ATTEMPTS, CODE_TTL, requester_mail
from privacy.services.consents import consent_withdraw
from privacy.services.deadlines import request_complete


def verification_send(request: PrivacyRequest) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    request.code_hash = make_password(code)
    request.code_expires_at = now() + CODE_TTL
    request.code_attempts = 0
    request.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
    token = verify_token(request)
    requester_mail(
        request,
        "verify",
        SYSTEM,
        code=code,
        link=public_url(f"/privacy/verify/{token}/"),
        code_url=public_url(f"/privacy/request/{request.public_id}/"),
    )
    audit_write(request=request, action=AuditAction.VERIFICATION_SENT, actor=SYSTEM)


@transaction.atomic
def verification_resend(*, request: PrivacyRequest) -> None:
    """A new code and link (the old code stops working). The code page caps how often per
    request and per IP (accounts/throttle.py)."""
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.UNVERIFIED:
        return
    verification_send(request)


def verify_by_code(*, request: PrivacyRequest, code: str) -> PrivacyRequest:
    wrong = False
    with transaction.atomic():
        request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.UNVERIFIED:
            return request
        if request.code_attempts >= CODE_MAX_ATTEMPTS:
            raise ValidationError(_("Too many wrong codes. Ask for a new code."))
        if request.code_expires_at is None or request.code_expires_at < now():
            raise ValidationError(_("This code has expired. Ask for a new code."))
        if check_password(code.strip(), request.code_hash):
            mark_verified(request, method="email_code", actor=SUBJECT)
        else:
            # The failed attempt is committed before the error is raised, or the limit would
            # never be reached.
            wrong = True
            request.code_attempts += 1
            request.save(update_fields=["code_attempts"])
            audit_write(
                request=request, action=AuditAction.VERIFICATION_FAILED, actor=SUBJECT, attempt=request.code_attempts
            )
    if wrong:
        raise ValidationError(_("The code is not correct."))
    return request


@transaction.atomic
def verify_by_link(*, token: str) -> PrivacyRequest:
    """The link in the verification e-mail. Forged or expired -> ValidationError, nothing changes."""
    data = verify_token_read(token)
    try:
        request = PrivacyRequest.objects.select_for_update().get(public_id=data["r"])
    except (KeyError, TypeError, ValueError, ValidationError, PrivacyRequest.DoesNotExist) as exc:
        raise ValidationError(_("This link is not valid or has expired.")) from exc
    if request.status == RequestStatus.UNVERIFIED:
        if not verify_token_matches(data, request):
            raise ValidationError(_("This link is not valid or has expired."))
        mark_verified(request, method="email_link", actor=SUBJECT)
    return request


def mark_verified(request: PrivacyRequest, *, method: str, actor: str) -> None:
    transition(request, to=RequestStatus.OPEN, actor=actor, verified_at=now(), verification_method=method, code_hash="")
    audit_write(request=request, action=AuditAction.VERIFIED, actor=actor, method=method)
    requester_mail(request, "received", SYSTEM)
    if request.kind == RequestKind.CONSENT_WITHDRAWAL:
        # Withdrawing must be as easy as consenting (Art. 7(3)): it takes effect now.
        consent_withdraw(email=request.email, source=ConsentSource.REQUEST, request=request)
        request_complete(request=request, outcome_code=outcomes.CONSENT_WITHDRAWN, actor=SYSTEM)
