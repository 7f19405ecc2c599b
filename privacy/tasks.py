"""The desk's long work runs on the worker, never inside the admin request (GDPR-6, GDPR-10).

Each task takes ids, loads, calls one service. The desk queues them after its transaction
commits, with an audit row ("work queued") the request's page reads to show that it is running;
the service's own audit row (erased, exported) or a "work failed" row ends it."""

from functools import partial

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.users.models import User
from privacy.audit import actor_label, audit_write
from privacy.models import AuditAction, PrivacyRequest, RequestKind
from privacy.services.common import require_open, require_verified
from privacy.services.erasure import erasure_confirm, erasure_execute, work_running
from privacy.services.export import export_create


def _staff(actor_id: int | None) -> User | None:
    return User.objects.filter(pk=actor_id, is_staff=True).first() if actor_id else None


def _failed(request_id: int, actor_id: int | None, task: str, exc: Exception) -> None:
    # In its own transaction: the failed work rolled back its own, the trail keeps the attempt.
    with transaction.atomic():
        audit_write(
            request=PrivacyRequest.objects.get(pk=request_id),
            action=AuditAction.TASK_FAILED,
            actor=actor_label(_staff(actor_id)),
            task=task,
            error=type(exc).__name__,
        )


@shared_task(name="privacy.erase", acks_late=True)
def erasure_task(request_id: int, actor_id: int | None, close_accounts: list[int]) -> None:
    """Resumable (erasure steps are recorded per source and schema): staff confirm again after a
    failure and the run continues where it stopped."""
    request = PrivacyRequest.objects.get(pk=request_id)
    try:
        erasure_execute(request=request, actor=_staff(actor_id), close_accounts=close_accounts)
    except Exception as exc:
        _failed(request_id, actor_id, "erasure", exc)
        raise


@shared_task(name="privacy.export", acks_late=True)
def export_task(request_id: int, actor_id: int | None) -> None:
    request = PrivacyRequest.objects.get(pk=request_id)
    try:
        export_create(request=request, actor=_staff(actor_id))
    except Exception as exc:
        _failed(request_id, actor_id, "export", exc)
        raise


@transaction.atomic
def erasure_queue(*, request: PrivacyRequest, actor: User, close_accounts: list[int]) -> bool:
    """Staff's confirmation: recorded, then the erasure is queued after commit. False when it is
    held (the hold is recorded and nothing else changes)."""
    closing = erasure_confirm(request=request, actor=actor, close_accounts=close_accounts)
    if closing is None:
        return False
    transaction.on_commit(partial(erasure_task.delay, request.pk, actor.pk, closing))
    return True


@transaction.atomic
def export_queue(*, request: PrivacyRequest, actor: User) -> None:
    """Checked here, so a refusal is a message on the page and nothing is queued."""
    request = PrivacyRequest.objects.select_for_update().get(pk=request.pk)
    require_verified(request)
    require_open(request)
    if request.kind not in {RequestKind.ACCESS, RequestKind.PORTABILITY}:
        raise ValidationError(_("Only access and portability requests are answered with an export."))
    if work_running(request):
        raise ValidationError(_("This request's work is already running."))
    audit_write(request=request, action=AuditAction.TASK_QUEUED, actor=actor_label(actor), task="export")
    transaction.on_commit(partial(export_task.delay, request.pk, actor.pk))
