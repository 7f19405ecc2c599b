"""The one audit writer and the registry of readable action names (issue 10).

`record(...)` writes one `AuditEvent` row in the caller's transaction: the subject (a model
instance, or type + id + label), the account id, a typed actor (staff user, customer user,
system, job), the action code, the reason, the state before and after and the parameters.

Action codes are machine keys (`status:active`, `entry_refused`); people never read them. Each
app registers, at start-up, what its codes mean (`register_actions`) and how its states read
(`register_states`), with lazy texts from its own catalogue, so `describe(event)` says
"Status changed from Trial to Active" in the reader's language. A code with a `:` may be
registered once for all its values as `prefix:*`.

Inside `audit_batched()` the rows are checked as they are recorded and written in one INSERT
when the block ends (a billing batch records three per paid charge); the block must sit inside
the transaction making the changes, like every single `record`.
"""

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.models import ActorKind, AuditEvent

SYSTEM_LABEL = "system"
JOB_PREFIX = "job:"
STAFF_PREFIX = "staff:"

_batch: ContextVar[list[AuditEvent] | None] = ContextVar("kontoportal_audit_batch", default=None)


@dataclass(frozen=True)
class Actor:
    """Who did it: `kind` (ActorKind), a stable id (user pk or job name) and a label to show."""

    kind: str
    id: str = ""
    label: str = ""


SYSTEM = Actor(ActorKind.SYSTEM, "", SYSTEM_LABEL)


def job(name: str) -> Actor:
    return Actor(ActorKind.JOB, name, name)


def _staff_by_email(email: str) -> Any:
    return get_user_model()._default_manager.filter(email__iexact=email, is_staff=True).first()


def actor_of(value: Any) -> Actor:
    """The typed actor for what callers pass today: an Actor, a user (staff or customer), None or
    "system", "job:<name>", "staff:<e-mail>", or a bare e-mail (staff if a staff user has it)."""
    if isinstance(value, Actor):
        return value
    if value is None:
        return SYSTEM
    if hasattr(value, "email"):
        kind = ActorKind.STAFF if getattr(value, "is_staff", False) else ActorKind.CUSTOMER
        return Actor(kind, str(value.pk or ""), str(value.email)[:254])
    text = str(value).strip()
    if not text or text.lower() == SYSTEM_LABEL:
        return SYSTEM
    if text.startswith(JOB_PREFIX):
        return job(text[len(JOB_PREFIX) :])
    if text.startswith(STAFF_PREFIX):
        text = text[len(STAFF_PREFIX) :]
        staff = _staff_by_email(text)
        return Actor(ActorKind.STAFF, str(staff.pk) if staff else "", text[:254])
    if "@" in text:
        staff = _staff_by_email(text)
        if staff is not None:
            return Actor(ActorKind.STAFF, str(staff.pk), text[:254])
        return Actor(ActorKind.CUSTOMER, "", text[:254])
    return Actor(ActorKind.SYSTEM, "", text[:254])


def now() -> Any:
    """The project's one clock (settings.CLOCK names it; core imports no project module)."""
    clock = getattr(settings, "CLOCK", "")
    return import_string(clock)() if clock else timezone.now()


def record(
    *,
    domain: str,
    action: str,
    actor: Any,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: Any = "",
    subject_label: str = "",
    account: Any = None,
    reason: str = "",
    before: Any = None,
    after: Any = None,
    params: Mapping[str, Any] | None = None,
    at: Any = None,
) -> AuditEvent:
    """Write one audit row. Call it inside the transaction that makes the change."""
    if subject is not None:
        subject_type = subject_type or subject._meta.label_lower
        subject_id = subject_id or subject.pk
        subject_label = subject_label or str(subject)
    who = actor_of(actor)
    account_id = getattr(account, "pk", account)
    event = AuditEvent(
        occurred_at=at or now(),
        domain=domain,
        subject_type=subject_type,
        subject_id="" if subject_id in (None, "") else str(subject_id),
        subject_label=subject_label[:200],
        account_id=account_id,
        actor_kind=who.kind,
        actor_id=who.id[:64],
        actor_label=who.label[:254],
        action=action,
        reason=reason or "",
        before=before if before not in ("",) else None,
        after=after if after not in ("",) else None,
        params=dict(params or {}),
    )
    event.full_clean()
    batch = _batch.get()
    if batch is None:
        event.save()
    else:
        batch.append(event)
    return event


@contextmanager
def audit_batched() -> Iterator[None]:
    """Every row recorded in the block is written by one INSERT when it ends without an error
    (nothing is written when it raises: the caller's transaction rolls back anyway)."""
    outer = _batch.get()
    if outer is not None:  # nested: the outer block writes them
        yield
        return
    token = _batch.set([])
    try:
        yield
        events = _batch.get() or []
        if events:
            AuditEvent.objects.bulk_create(events)
    finally:
        _batch.reset(token)


# --- Readable names ------------------------------------------------------------------------

# action code (or "prefix:*") → lazy text; may use %(before)s, %(after)s and the row's params
_actions: dict[str, Any] = {}
# subject type → {state value: lazy label}
_states: dict[str, dict[str, Any]] = {}


def register_actions(labels: Mapping[str, Any]) -> None:
    _actions.update(labels)


def register_states(subject_type: str, choices: Iterable[tuple[Any, Any]]) -> None:
    _states.setdefault(subject_type, {}).update({str(value): label for value, label in choices})


def registered_actions() -> dict[str, Any]:
    return dict(_actions)


def action_label(action: str) -> Any:
    if action in _actions:
        return _actions[action]
    prefix = action.split(":", 1)[0]
    return _actions.get(f"{prefix}:*")


def register_action_states(prefix: str, choices: Iterable[tuple[Any, Any]]) -> None:
    """How the states of `prefix:*` codes read when the subject is another object (a charge's
    status in the account's history)."""
    register_states(f"{prefix}:*", choices)


def state_label(subject_type: str, value: Any, action: str = "") -> str:
    if value in (None, ""):
        return "—"
    prefix = f"{action.split(':', 1)[0]}:*" if ":" in action else ""
    states = _states.get(prefix) or _states.get(subject_type, {})
    label = states.get(str(value))
    return str(label) if label is not None else str(value)


class _Params(dict):  # type: ignore[type-arg]
    """Missing keys read as a dash, so a label never breaks on an old row."""

    def __missing__(self, key: str) -> str:
        return "—"


def describe(event: AuditEvent) -> str:
    """The action as a sentence in the active language ("Status changed from Trial to Active")."""
    label = action_label(event.action)
    if label is None:
        return _("Other change")
    values = _Params({k: v for k, v in (event.params or {}).items() if isinstance(v, str | int | float)})
    values["before"] = state_label(event.subject_type, event.before, event.action)
    values["after"] = state_label(event.subject_type, event.after, event.action)
    text = str(label)
    try:
        return text % values
    except (TypeError, ValueError):
        return text
