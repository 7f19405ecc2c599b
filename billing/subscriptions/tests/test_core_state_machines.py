"""The state machines declared for core.transitions (accounts: ACC-5 … ACC-12; subscriptions and
charges: BIL-1, BIL-12, ACC-10; prepaid credits: BIL-10): every status has its list of allowed moves, and every move not
on it is refused with IllegalTransition and changes nothing — no status, no audit row."""

import pytest
import time_machine
from django.db import models, transaction

from accounts.models import Account
from billing.subscriptions.models import Charge, Plan, PrepaidCredit, Subscription
from billing.subscriptions.services.prepaid import prepaid_buy
from billing.subscriptions.tests.conftest import subscribe
from core.models import AuditEvent
from core.transitions import IllegalTransition, allowed_moves, is_allowed, status_field, transition
from tests.acc_helpers import make_account

MACHINES = [Account, Subscription, Charge, PrepaidCredit]


@pytest.fixture
def objects(accounts_ready, plans: dict[str, Plan]) -> dict[type[models.Model], models.Model]:
    account = make_account("machines")
    with time_machine.travel("2026-03-01T09:00:00Z", tick=False):
        subscription = subscribe(account, plans["team"], seats=1)
        first = Charge.objects.get(subscription=subscription)
        credit = prepaid_buy(subscription=subscription, seats=1, actor="o")
    return {Account: account, Subscription: subscription, Charge: first, PrepaidCredit: credit}


def statuses(model: type[models.Model]) -> list[str]:
    return [value for value, _label in model._meta.get_field(status_field(model)).choices]


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m.__name__)
def test_acc10_bil12_every_status_declares_its_moves(model: type[models.Model]) -> None:
    assert sorted(allowed_moves(model)) == sorted(statuses(model))
    for moves in allowed_moves(model).values():
        assert set(moves) <= set(statuses(model))


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m.__name__)
def test_acc10_bil12_every_undeclared_move_raises_and_changes_nothing(
    objects: dict[type[models.Model], models.Model], model: type[models.Model]
) -> None:
    obj, field = objects[model], status_field(model)
    refused = 0
    for before in statuses(model):
        for after in statuses(model):
            if is_allowed(model, before, after):
                continue
            model._base_manager.filter(pk=obj.pk).update(**{field: before})
            events = AuditEvent.objects.count()
            with pytest.raises(IllegalTransition), transaction.atomic():
                transition(obj, to=after, actor="staff@kontoportal.test", reason="not allowed")
            assert getattr(model._base_manager.get(pk=obj.pk), field) == before
            assert AuditEvent.objects.count() == events
            refused += 1
    assert refused >= len(statuses(model))  # at least "stay where you are" for every status
