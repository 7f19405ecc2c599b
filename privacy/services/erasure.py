"""Erasure and rectification (GDPR-6), in every schema where the person is. What the law keeps
is recorded by source, and told to the requester in their language (privacy/outcomes.py)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.users.models import User
from config.clock import now
from privacy import outcomes
from privacy.audit import actor_label, audit_write
from privacy.models import AuditAction, ErasureStep, PrivacyRequest, RequestKind
from privacy.services.common import require_open, require_verified
from privacy.services.deadlines import request_complete
from privacy.services.places import in_schema, places_walk


def erasure_run(*, request: PrivacyRequest, actor: User | None) -> PrivacyRequest:
    """Erase or anonymise the person everywhere except what law keeps, one source and schema per
    transaction. An interrupted run is resumed by calling it again: finished steps are skipped."""
    require_verified(request)
    require_open(request)
    if request.kind != RequestKind.ERASURE:
        raise ValidationError(_("Only an erasure request erases data."))
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
