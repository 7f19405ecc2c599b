"""Erasure and rectification (GDPR-6), in every schema where the person is. What the law keeps
is recorded by source, and told to the requester in their language (privacy/outcomes.py)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tenants.utils import tenant_context

from accounts.lifecycle import account_close
from accounts.models import Account, AccountStatus
from accounts.users.models import Role, User
from config.clock import now
from privacy import outcomes
from privacy.audit import actor_label, audit_write, request_trail
from privacy.models import AuditAction, ErasureStep, PrivacyRequest, RequestKind
from privacy.services.common import require_open, require_verified
from privacy.services.deadlines import request_complete
from privacy.services.places import in_schema, places_walk

# GDPR-10 / ACC-9: an account in one of these states must keep an Owner who can log in.
LIVE_STATUSES = {AccountStatus.TRIAL, AccountStatus.ACTIVE, AccountStatus.SUSPENDED, AccountStatus.REACTIVATED}
# Lazy: the Owner's mail about the closure renders it in the Owner's language.
CLOSED_FOR_ERASURE = gettext_lazy("Closed as part of the Owner's request to erase their personal data.")


class ErasureHeld(ValidationError):
    """The erasure would leave a live account without an Owner: nothing was erased."""


def erasure_run(*, request: PrivacyRequest, actor: User | None) -> PrivacyRequest:
    """Erase or anonymise the person everywhere except what law keeps, one source and schema per
    transaction. An interrupted run is resumed by calling it again: finished steps are skipped."""
    require_verified(request)
    require_open(request)
    if request.kind != RequestKind.ERASURE:
        raise ValidationError(_("Only an erasure request erases data."))
    held = owner_holds(request)
    if held:
        # Checked here too, not only on the desk's page: no route may leave an account ownerless.
        raise ErasureHeld(held_reason(held))
    done = set(request.erasure_steps.values_list("source", "schema_name"))
    for source, schema, account in places_walk():
        if (source.key, schema) in done:
            continue
        with transaction.atomic():
            with in_schema(account):
                if source.erase is None:
                    # The reason is the source's own (rendered for the reader), not a stored sentence.
                    result = {"kept": len(source.collect(request.email))}
                else:
                    outcome = source.erase(request.email)
                    result = {"deleted": outcome.deleted, "anonymised": outcome.anonymised}
            ErasureStep.objects.create(
                request=request, source=source.key, schema_name=schema, done_at=now(), result=result
            )
    return _erasure_finish(request=request, actor=actor)


@transaction.atomic
def _erasure_finish(*, request: PrivacyRequest, actor: User | None) -> PrivacyRequest:
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    if request.is_closed:
        return request
    steps = list(request.erasure_steps.all())
    kept: dict[str, dict[str, int]] = {}
    for step in steps:
        if step.result.get("kept"):
            entry = kept.setdefault(step.source, {"records": 0})
            entry["records"] += step.result["kept"]
    audit_write(
        request=request,
        action=AuditAction.ERASED,
        actor=actor_label(actor),
        deleted=sum(s.result.get("deleted", 0) for s in steps),
        anonymised=sum(s.result.get("anonymised", 0) for s in steps),
        kept=kept,
    )
    return request_complete(
        request=request, outcome_code=outcomes.ERASED, outcome_params={"kept": list(kept)}, actor=actor
    )


@transaction.atomic
def rectification_apply(*, request: PrivacyRequest, field: str, value: str, actor: User | None) -> int:
    """An audited edit: before and after go to the log, in every schema where the person is."""
    require_verified(request)
    require_open(request)
    if field != "full_name" or not value.strip():
        raise ValidationError(_("Only the full name can be corrected here, and it cannot be empty."))
    changed = 0
    for source, schema, account in places_walk():
        if source.rectify is None:
            continue
        with in_schema(account):
            changes = source.rectify(request.email, field, value.strip())
        for before, after in changes:
            audit_write(
                request=request,
                action=AuditAction.RECTIFIED,
                actor=actor_label(actor),
                source=source.key,
                schema=schema,
                field=field,
                before=before,
                after=after,
            )
            changed += 1
    return changed


# --- Before the erasure: what it will touch, and whether it may run (GDPR-10) ---------------


@dataclass(frozen=True)
class PlaceImpact:
    source: str
    label: str
    account: str | None
    deleted: int = 0
    anonymised: int = 0
    kept: int = 0
    kept_reason: str = ""


@dataclass(frozen=True)
class Impact:
    places: list[PlaceImpact] = field(default_factory=list)
    held: list[Account] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "deleted": sum(p.deleted for p in self.places),
            "anonymised": sum(p.anonymised for p in self.places),
            "kept": sum(p.kept for p in self.places),
        }

    @property
    def nothing_to_erase(self) -> bool:
        totals = self.totals
        return not totals["deleted"] and not totals["anonymised"]


class _DryRun(Exception):
    """Raised to roll the rehearsal back."""


def owner_holds(request: PrivacyRequest) -> list[Account]:
    """The live accounts whose Owner is this person: erasing them would leave the account with
    nobody who can log in and manage it (ACC-9)."""
    held = []
    for account in Account.objects.customers().filter(status__in=LIVE_STATUSES).order_by("name"):
        with tenant_context(account):
            if User.objects.filter(role=Role.OWNER, email__iexact=request.email, is_active=True).exists():
                held.append(account)
    return held


def held_reason(held: list[Account]) -> str:
    return _(
        "The erasure is held: the person is the only Owner of %(accounts)s, an account in use. Erasing "
        "them would leave it without anyone who can log in and manage it."
    ) % {"accounts": ", ".join(f"“{a.name}”" for a in held)}


def erasure_impact(request: PrivacyRequest) -> Impact:
    """What the erasure would do, per source and account, measured by rehearsing it: every
    source's own erase runs and is rolled back, so the numbers are the real ones and nothing
    changes (no on-commit work of a rolled-back block ever runs)."""
    places: list[PlaceImpact] = []
    try:
        with transaction.atomic():
            for source, _schema, account in places_walk():
                with in_schema(account):
                    found = len(source.collect(request.email))
                    outcome = source.erase(request.email) if source.erase is not None else None
                if outcome is not None and (outcome.deleted or outcome.anonymised):
                    places.append(
                        PlaceImpact(
                            source=source.key,
                            label=str(source.label),
                            account=account.name if account else None,
                            deleted=outcome.deleted,
                            anonymised=outcome.anonymised,
                        )
                    )
                elif outcome is None and found:
                    places.append(
                        PlaceImpact(
                            source=source.key,
                            label=str(source.label),
                            account=account.name if account else None,
                            kept=found,
                            kept_reason=str(source.kept_reason or ""),
                        )
                    )
            raise _DryRun
    except _DryRun:
        pass
    return Impact(places=places, held=owner_holds(request))


def _erasure_guard(request: PrivacyRequest) -> None:
    require_verified(request)
    require_open(request)
    if request.kind != RequestKind.ERASURE:
        raise ValidationError(_("Only an erasure request erases data."))


def erasure_preview(*, request: PrivacyRequest, actor: User | None, record: bool = True) -> Impact:
    """The first click: the impact is shown and recorded (GDPR-8), nothing is erased. Shown again
    after a held confirmation, it is not recorded twice (the hold was, with the confirmation)."""
    _erasure_guard(request)
    impact = erasure_impact(request)
    if not record:
        return impact
    with transaction.atomic():
        audit_write(
            request=request,
            action=AuditAction.ERASURE_PREVIEWED,
            actor=actor_label(actor),
            **impact.totals,
            sources=sorted({p.source for p in impact.places}),
        )
        if impact.held:
            audit_write(
                request=request,
                action=AuditAction.ERASURE_HELD,
                actor=actor_label(actor),
                reason="only_owner",
                accounts=[a.name for a in impact.held],
            )
    return impact


def work_running(request: PrivacyRequest) -> str | None:
    """The task queued for this request and not yet finished ("erasure", "export"), if any."""
    last = (
        request_trail(request)
        .filter(
            action__in=[AuditAction.TASK_QUEUED, AuditAction.TASK_FAILED, AuditAction.ERASED, AuditAction.EXPORTED],
        )
        .order_by("-occurred_at", "-id")
        .first()
    )
    if last is None or last.action != AuditAction.TASK_QUEUED:
        return None
    return str(last.params.get("task", ""))


def erasure_progress(request: PrivacyRequest) -> tuple[int, int]:
    """(places done, places in all): the page shows it while the worker runs."""
    return request.erasure_steps.count(), len(places_walk())


def _erased_before(request: PrivacyRequest) -> bool:
    """An earlier erasure of this address was carried out (someone who never had data is not
    "already erased": their request is answered like any other)."""
    return (
        PrivacyRequest.objects.filter(
            email__iexact=request.email, kind=RequestKind.ERASURE, outcome_code=outcomes.ERASED
        )
        .exclude(pk=request.pk)
        .exists()
    )


@transaction.atomic
def erasure_confirm(*, request: PrivacyRequest, actor: User | None, close_accounts: list[int]) -> list[int] | None:
    """Staff confirm the previewed erasure. Returns the accounts to close before erasing (the
    staff's explicit choice), or None when the erasure is held (recorded, nothing changed).
    The caller queues the work after commit."""
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    _erasure_guard(request)
    if work_running(request):
        raise ValidationError(_("This request's work is already running."))
    impact = erasure_impact(request)
    if impact.nothing_to_erase and not impact.held and _erased_before(request):
        raise ValidationError(
            _("Nothing is left to erase for this address: it has already been erased. Complete the request instead.")
        )
    closing = [a for a in impact.held if a.pk in set(close_accounts)]
    still_held = [a for a in impact.held if a not in closing]
    who = actor_label(actor)
    if still_held:
        audit_write(
            request=request,
            action=AuditAction.ERASURE_HELD,
            actor=who,
            reason="only_owner",
            accounts=[a.name for a in still_held],
        )
        return None
    if closing:
        audit_write(
            request=request,
            action=AuditAction.ERASURE_DECIDED,
            actor=who,
            decision="close_account",
            accounts=[a.name for a in closing],
        )
    audit_write(request=request, action=AuditAction.ERASURE_CONFIRMED, actor=who, **impact.totals)
    audit_write(request=request, action=AuditAction.TASK_QUEUED, actor=who, task="erasure")
    return [a.pk for a in closing]


def erasure_execute(*, request: PrivacyRequest, actor: User | None, close_accounts: list[int]) -> PrivacyRequest:
    """The worker's part: close the accounts staff chose to close (the account lifecycle's own
    transition, audited there), then erase."""
    for account in Account.objects.customers().filter(pk__in=close_accounts, status__in=LIVE_STATUSES):
        # Closed as any account is closed (ACC-7): for good, its schema and data deleted, the Owner
        # told; what the law keeps (invoices, this request) is in the public schema.
        account_close(account=account, actor=actor_label(actor), reason=CLOSED_FOR_ERASURE)
    return erasure_run(request=request, actor=actor)
