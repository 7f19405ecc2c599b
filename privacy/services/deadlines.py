"""Handling a request and its deadlines (GDPR-5): assign, extend, refuse, complete, hand over.
Status moves go through core.transitions (privacy/audit.py writes their audit rows)."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from accounts.mailer import mail_send
from accounts.models import Account
from accounts.users.models import Role, User
from config.clock import now, seller_date, today
from core.transitions import transition
from privacy.audit import actor_label, audit_write
from privacy.models import AuditAction, PrivacyRequest, RequestRole, RequestStatus
from privacy.outcomes import outcome_text
from privacy.selectors import controller
from privacy.services.common import (
    HANDOVER_DAYS,
    MAX_EXTENSION_MONTHS,
    due_date,
    requester_mail,
    require_open,
    require_verified,
)


@transaction.atomic
def request_assign(*, request: PrivacyRequest, owner: User, actor: User) -> None:
    before = request.owner.email if request.owner else None
    request.owner = owner
    request.save(update_fields=["owner"])
    audit_write(
        request=request, action=AuditAction.ASSIGNED, actor=actor_label(actor), before=before, after=owner.email
    )


@transaction.atomic
def request_extend(*, request: PrivacyRequest, months: int, reason: str, actor: User | None) -> PrivacyRequest:
    """GDPR-5 / Art. 12(3): once, by up to two months, only before the first deadline, with a
    reason that the requester receives."""
    require_verified(request)
    require_open(request)
    if request.extended_months:
        raise ValidationError(_("The deadline has already been extended once."))
    if today() > request.due_on:
        raise ValidationError(_("The deadline can only be extended before it has passed."))
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        raise ValidationError(_("The deadline can be extended by one or two months."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the extension; it is sent to the requester."))
    before = request.due_on
    request.extended_months = months
    request.extension_reason = reason.strip()
    # Counted from receipt, so month ends stay right (31 Jan + 3 months = 30 Apr).
    request.due_on = due_date(seller_date(request.received_at), 1 + months)
    request.save(update_fields=["extended_months", "extension_reason", "due_on"])
    audit_write(
        request=request,
        action=AuditAction.EXTENDED,
        actor=actor_label(actor),
        before=before.isoformat(),
        after=request.due_on.isoformat(),
        reason=request.extension_reason,
    )
    requester_mail(request, "extended", actor_label(actor))
    return request


@transaction.atomic
def request_refuse(*, request: PrivacyRequest, reason: str, actor: User | None) -> PrivacyRequest:
    """Art. 12(4): the requester is told why and of the right to complain."""
    require_open(request)
    if not reason.strip():
        raise ValidationError(_("A refusal needs a reason; it is sent to the requester."))
    transition(
        request,
        to=RequestStatus.REFUSED,
        actor=actor_label(actor),
        refusal_reason=reason.strip(),
        closed_at=now(),
    )
    requester_mail(request, "refused", actor_label(actor))
    return request


@transaction.atomic
def request_complete(
    *,
    request: PrivacyRequest,
    actor: User | str | None,
    outcome: str = "",
    outcome_code: str = "",
    outcome_params: dict[str, Any] | None = None,
) -> PrivacyRequest:
    """Close the request. `outcome` is what staff wrote; the portal's own outcome is a code (and
    its parameters) from privacy/outcomes.py, put into words in the requester's language."""
    require_verified(request)
    label = actor_label(actor)
    transition(
        request,
        to=RequestStatus.COMPLETED,
        actor=label,
        outcome=outcome.strip(),
        outcome_code=outcome_code,
        outcome_params=outcome_params or {},
        closed_at=now(),
    )
    requester_mail(request, "completed", label, outcome=outcome_text(request))
    return request


@transaction.atomic
def request_hand_over(*, request: PrivacyRequest, account: Account, actor: User | None) -> PrivacyRequest:
    """GDPR-2: data in a customer's helpdesk is the customer's; its Owner answers, we help and
    track the deadline (Art. 28(3)(e))."""
    require_verified(request)
    transition(
        request,
        to=RequestStatus.HANDED_OVER,
        actor=actor_label(actor),
        role=RequestRole.PROCESSOR,
        account=account,
        handover_due_on=min(request.due_on, today() + timedelta(days=HANDOVER_DAYS)),
    )
    with tenant_context(account):
        owner = User.objects.filter(role=Role.OWNER).first()
        owner_email, owner_language = (owner.email, owner.language) if owner else (None, account.language)
    if owner_email:
        mail_send(
            to=owner_email,
            template="privacy/handover",
            language=owner_language,
            context={"req": request, "account": account, "controller": controller()},
            account=account,
        )
    audit_write(
        request=request,
        action=AuditAction.HANDED_OVER,
        actor=actor_label(actor),
        account=account.slug,
        due=request.handover_due_on.isoformat(),
    )
    return request
