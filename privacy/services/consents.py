"""Consents (GDPR-9), restriction and objection (GDPR-6): what stops marketing and profiling."""

from django.db import transaction

from accounts.users.models import User
from config.clock import now
from privacy import outcomes
from privacy.audit import actor_label, audit_write
from privacy.models import AuditAction, Consent, PrivacyRequest, RequestKind, SubjectFlag
from privacy.services.common import require_open, require_verified
from privacy.services.deadlines import request_complete


@transaction.atomic
def consent_give(*, email: str, purpose: str, source: str, is_customer: bool = False) -> Consent:
    email = email.strip().lower()
    live = Consent.objects.filter(email=email, purpose=purpose, withdrawn_at__isnull=True).first()
    if live:
        return live
    consent = Consent(email=email, purpose=purpose, source=source, given_at=now(), is_customer=is_customer)
    consent.full_clean()
    consent.save()
    audit_write(request=None, action=AuditAction.CONSENT, actor=source, purpose=purpose, change="given")
    return consent


@transaction.atomic
def consent_withdraw(
    *, email: str, source: str, purpose: str | None = None, request: PrivacyRequest | None = None
) -> int:
    """Takes effect at once: the mailer asks `marketing_allowed` before every marketing send."""
    live = Consent.objects.filter(email=email.strip().lower(), withdrawn_at__isnull=True)
    if purpose:
        live = live.filter(purpose=purpose)
    n = live.update(withdrawn_at=now(), withdrawn_source=source)
    if n:
        audit_write(
            request=request, action=AuditAction.CONSENT, actor=source, purpose=purpose or "all", change="withdrawn"
        )
    return n


@transaction.atomic
def restriction_apply(*, request: PrivacyRequest, actor: User | None) -> PrivacyRequest:
    """Restriction and objection stop marketing and profiling for the person (GDPR-6)."""
    require_verified(request)
    require_open(request)
    kind = SubjectFlag.Kind.OBJECTION if request.kind == RequestKind.OBJECTION else SubjectFlag.Kind.RESTRICTION
    SubjectFlag.objects.get_or_create(email=request.email, kind=kind, defaults={"since": now(), "request": request})
    audit_write(request=request, action=AuditAction.RESTRICTED, actor=actor_label(actor), kind=kind)
    return request_complete(request=request, outcome_code=outcomes.RESTRICTED, actor=actor)
