"""GDPR-5 / GDPR-8: the state machines of the privacy desk and of the staff cases it answers for
(objections to a sub-processor, DPA requests) on core.transitions, walked the way
billing/subscriptions/tests/test_core_state_machines.py walks the others: every status declares
its moves; every undeclared move raises IllegalTransition and changes nothing (no status, no
audit row); every declared move writes exactly one audit row, in the move's own transaction."""

import pytest
from django.db import models, transaction

from core.models import AuditEvent as TrailEvent
from core.transitions import IllegalTransition, allowed_moves, is_allowed, status_field, transition
from privacy.audit import request_trail
from privacy.models import AuditAction, PrivacyRequest, RequestKind, RequestStatus
from privacy.services.deadlines import request_refuse
from subprocessors.models import DpaRequest, Objection

pytestmark = pytest.mark.django_db

MACHINES = [PrivacyRequest, Objection, DpaRequest]
ACTOR = "staff:desk@kontoportal.test"


@pytest.fixture
def objects(file_request, staff_cases) -> dict[type[models.Model], models.Model]:  # type: ignore[no-untyped-def]
    objection, dpa = staff_cases()
    return {PrivacyRequest: file_request(kind=RequestKind.ACCESS), Objection: objection, DpaRequest: dpa}


def statuses(model: type[models.Model]) -> list[str]:
    return [value for value, _label in model._meta.get_field(status_field(model)).choices]


def audit_rows() -> int:
    return TrailEvent.objects.count()


def last_move(obj: models.Model) -> tuple[str, str, str]:
    """(actor, before, after) of the newest audit row about `obj`."""
    if isinstance(obj, PrivacyRequest):
        row = request_trail(obj).order_by("-id").first()
        assert row.action == AuditAction.STATUS
        return f"{row.actor_kind}:{row.actor_label}", row.before, row.after  # a typed actor
    event = TrailEvent.objects.filter(account_id=obj.account.pk).order_by("-id").first()  # type: ignore[attr-defined]
    assert set(event.params.values()) & {obj.pk}
    return f"{event.actor_kind}:{event.actor_label}", event.before, event.after  # a typed actor


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m.__name__)
def test_gdpr5_every_status_declares_its_moves(model: type[models.Model]) -> None:
    assert sorted(allowed_moves(model)) == sorted(statuses(model))
    for moves in allowed_moves(model).values():
        assert set(moves) <= set(statuses(model))


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m.__name__)
def test_gdpr5_every_undeclared_move_raises_and_changes_nothing(objects, model) -> None:  # type: ignore[no-untyped-def]
    obj, field = objects[model], status_field(model)
    refused = 0
    for before in statuses(model):
        for after in statuses(model):
            if is_allowed(model, before, after):
                continue
            model._base_manager.filter(pk=obj.pk).update(**{field: before})
            rows = audit_rows()
            with pytest.raises(IllegalTransition), transaction.atomic():
                transition(obj, to=after, actor=ACTOR, reason="not allowed")
            assert getattr(model._base_manager.get(pk=obj.pk), field) == before
            assert audit_rows() == rows
            refused += 1
    assert refused >= len(statuses(model))  # at least "stay where you are" for every status


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m.__name__)
def test_gdpr8_every_declared_move_writes_its_audit_row(objects, model) -> None:  # type: ignore[no-untyped-def]
    obj, field = objects[model], status_field(model)
    for before, moves in allowed_moves(model).items():
        for after in moves:
            model._base_manager.filter(pk=obj.pk).update(**{field: before})
            rows = audit_rows()
            transition(obj, to=after, actor=ACTOR, reason="walk")
            assert audit_rows() == rows + 1
            assert last_move(obj) == (ACTOR, before, after)


def test_gdpr8_a_move_rolled_back_leaves_neither_status_nor_audit_row(objects) -> None:  # type: ignore[no-untyped-def]
    request = objects[PrivacyRequest]
    rows = audit_rows()
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(request, to="open", actor=ACTOR)
        raise RuntimeError("the step after the move failed")
    request.refresh_from_db()
    assert request.status == "unverified"
    assert audit_rows() == rows


def test_gdpr5_an_illegal_move_from_the_desk_is_a_translated_message_and_changes_nothing(
    verified_request, public_client, staff_user
):
    # given: a request staff have refused
    request = verified_request()
    request_refuse(request=request, reason="Åpenbart grunnløs", actor=staff_user)
    rows = audit_rows()

    # when: a staff member (admin in Danish) tries to complete it anyway
    public_client.force_login(staff_user)
    public_client.raise_request_exception = True
    response = public_client.post(
        f"/admin/privacy/privacyrequest/{request.pk}/act/",
        {"action": "complete", "outcome": "Alligevel"},
        HTTP_ACCEPT_LANGUAGE="da",
        follow=True,
    )

    # then: the desk says why, in Danish, and nothing changed — no status, no mail, no audit row
    assert response.status_code == 200
    assert "kan ikke skifte til “Afsluttet”" in response.content.decode()
    request.refresh_from_db()
    assert (request.status, request.outcome) == (RequestStatus.REFUSED, "")
    assert audit_rows() == rows
