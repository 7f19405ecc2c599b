"""BIL-14 / issue 10: a delivery's status is a declared state machine (queued → sent → delivered,
queued/sent → rejected, queued → held); every undeclared move raises and changes nothing, so a
delivered or rejected document is never sent again by a stray retry."""

import pytest
from django.db import models, transaction

from core.transitions import IllegalTransition, allowed_moves, is_allowed, transition
from einvoicing.delivery import delivery_plan
from einvoicing.models import Delivery, DeliveryStatus
from einvoicing.tests.bil14_helpers import (
    issued_invoice,
    own_media,  # noqa: F401 - a fixture
    seller_ready,  # noqa: F401 - a fixture
    slovak_business,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seller_ready", "own_media")]
MACHINES = [Delivery]


def statuses(model: type[models.Model]) -> list[str]:
    return [value for value, _ in model._meta.get_field("status").choices]


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m.__name__)
def test_bil14_every_delivery_status_declares_its_moves(model: type[models.Model]) -> None:
    assert sorted(allowed_moves(model)) == sorted(statuses(model))
    assert not is_allowed(model, DeliveryStatus.DELIVERED, DeliveryStatus.SENT)
    assert not is_allowed(model, DeliveryStatus.REJECTED, DeliveryStatus.QUEUED)


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m.__name__)
def test_bil14_every_undeclared_delivery_move_raises_and_changes_nothing(account_a, model) -> None:  # type: ignore[no-untyped-def]
    slovak_business(account_a)
    delivery = delivery_plan(document_id=issued_invoice(account_a).pk)
    refused = 0
    for before in statuses(model):
        for after in statuses(model):
            if is_allowed(model, before, after):
                continue
            model._base_manager.filter(pk=delivery.pk).update(status=before)
            with pytest.raises(IllegalTransition), transaction.atomic():
                transition(delivery, to=after, actor="job:test", reason="not allowed")
            assert model._base_manager.get(pk=delivery.pk).status == before
            refused += 1
    assert refused >= len(statuses(model))
