"""One way to change a status: `transition(obj, to=…, actor=…, reason=…)`.

A stateful model declares its allowed moves once: a class attribute
`TRANSITIONS = {before: {after, …}}` on the model (and `STATUS_FIELD` when the field is not
`status`), or `declare(Model, {…})` in its app's `states.py` when the models module is already
long. `transition()` locks the row, refuses an undeclared move with `IllegalTransition`
(nothing changes), saves with an UPDATE, and then runs every reaction registered for that move in
the same transaction: a reaction that raises rolls the transition back.

Reactions invert the dependency between apps: the app that must act when another app's object
moves registers itself (`@reacts_to(Account, to=[CANCELLED, CLOSED])` in billing), so the app
that owns the object never has to remember to call it — the way privacy sources are registered.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


class IllegalTransition(Exception):
    """A move the model does not declare; `message` is translated for whoever reads it."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Change:
    """What a reaction receives: the moved object (locked, as saved), the move and who made it."""

    obj: models.Model
    before: str
    after: str
    actor: str
    reason: str
    changes: Mapping[str, Any] = field(default_factory=dict)


Reaction = Callable[[Change], None]

# (model, target status or None for every move) → reactions, in registration order
_reactions: dict[tuple[type[models.Model], str | None], list[Reaction]] = defaultdict(list)


def reacts_to(model: type[models.Model], *, to: str | Iterable[str] | None = None) -> Callable[[Reaction], Reaction]:
    """Register `reaction(change)` to run after `model` moves to `to` (one status, several, or
    any when None). Registering the same function twice (a module imported twice) is harmless."""
    targets: list[str | None] = [to] if to is None or isinstance(to, str) else [str(t) for t in to]

    def register(reaction: Reaction) -> Reaction:
        for target in targets:
            if reaction not in _reactions[(model, target)]:
                _reactions[(model, target)].append(reaction)
        return reaction

    return register


def reactions_for(model: type[models.Model], to: str) -> list[Reaction]:
    return [*_reactions.get((model, None), []), *_reactions.get((model, to), [])]


# model → (status field, allowed moves), for models that declare outside their class
_declared: dict[type[models.Model], tuple[str, Mapping[str, Iterable[str]]]] = {}


def declare(model: type[models.Model], moves: Mapping[str, Iterable[str]], *, field: str = "status") -> None:
    """Declare `model`'s allowed moves ({before: {after, …}}) where the class cannot hold them."""
    _declared[model] = (field, {str(before): frozenset(str(a) for a in after) for before, after in moves.items()})


def declared_models() -> list[type[models.Model]]:
    return list(_declared)


def status_field(model: type[models.Model]) -> str:
    if model in _declared:
        return _declared[model][0]
    return getattr(model, "STATUS_FIELD", "status")


def allowed_moves(model: type[models.Model]) -> Mapping[str, Iterable[str]]:
    moves = _declared[model][1] if model in _declared else getattr(model, "TRANSITIONS", None)
    if moves is None:
        raise TypeError(f"{model.__name__} declares no TRANSITIONS")
    return moves


def is_allowed(model: type[models.Model], before: str, to: str) -> bool:
    return to in allowed_moves(model).get(before, ())


def _label(model: type[models.Model], value: str) -> str:
    choices = dict(model._meta.get_field(status_field(model)).flatchoices)
    return str(choices.get(value, value))


@transaction.atomic
def transition(obj: M, *, to: str, actor: str, reason: str = "", **changes: Any) -> M:
    """Move `obj` to status `to` (with the other field `changes` that go with the move), or raise
    IllegalTransition. The row is locked, so two workers cannot both move it; the caller's
    instance is kept in step."""
    model = type(obj)
    name = status_field(model)
    locked = model._base_manager.select_for_update().get(pk=obj.pk)
    before = getattr(locked, name)
    if not is_allowed(model, before, to):
        raise IllegalTransition(
            _("%(model)s: “%(before)s” cannot become “%(after)s”.")
            % {
                "model": str(model._meta.verbose_name).capitalize(),
                "before": _label(model, before),
                "after": _label(model, to),
            }
        )
    values = {**changes, name: to}
    for attr, value in values.items():
        setattr(locked, attr, value)
    locked.clean_fields()
    # An UPDATE, never save(): django-tenants re-creates a dropped schema when an account is saved.
    model._base_manager.filter(pk=obj.pk).update(**values)
    change = Change(obj=locked, before=before, after=to, actor=actor, reason=reason, changes=changes)
    for reaction in reactions_for(model, to):
        reaction(change)
    # Only once every reaction succeeded: a rolled-back move leaves the caller's instance as it was.
    for attr, value in values.items():
        setattr(obj, attr, value)
    return obj
