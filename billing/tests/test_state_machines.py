"""BIL-11: invoice and credit-note statuses are declared state machines of core.transitions.
Every undeclared move raises IllegalTransition and changes nothing (status and audit alike); an
illegal move asked for in the staff admin is refused with the reason in the admin's language."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import models, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from billing.models import CreditNote, Document, DocumentStatus, Invoice
from billing.services.corrections import credit_note_issue
from billing.services.documents import invoice_draft_create, invoice_issue
from billing.tests.conftest import seats
from core.models import AuditEvent
from core.transitions import IllegalTransition, allowed_moves, is_allowed, status_field, transition

pytestmark = pytest.mark.django_db
MACHINES = [Invoice, CreditNote]
AT = timezone.make_aware(datetime(2026, 3, 10, 12))


@pytest.fixture
def objects(account_a, make_profile) -> dict[type[models.Model], models.Model]:  # type: ignore[no-untyped-def]
    """A draft of each kind, carrying a number and an issue date (a draft may), so that the
    walk below can set it to every status the database accepts: forward only, as the immutability
    trigger wants (draft → issued → paid → void)."""
    make_profile(account_a, country="DK")
    found: dict[type[models.Model], models.Model] = {}
    for position, model in enumerate(MACHINES, start=1):
        draft = invoice_draft_create(account=account_a, lines=seats(), include_custom_deliveries=False)
        Document.objects.filter(pk=draft.pk).update(
            kind=kind_of(model),
            sequence=990000 + position,
            number=f"T-{position}",
            issued_at=AT,
        )
        found[model] = model._base_manager.get(pk=draft.pk)
    return found


def kind_of(model: type[models.Model]) -> str:
    return "invoice" if model is Invoice else "credit_note"


def statuses(model: type[models.Model]) -> list[str]:
    return [value for value, _label in model._meta.get_field(status_field(model)).choices]


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m.__name__)
def test_bil11_every_document_status_declares_its_moves(model: type[models.Model]) -> None:
    assert sorted(allowed_moves(model)) == sorted(statuses(model))
    for moves in allowed_moves(model).values():
        assert set(moves) <= set(statuses(model))


@pytest.mark.parametrize("model", MACHINES, ids=lambda m: m.__name__)
def test_bil11_every_undeclared_document_move_raises_and_changes_nothing(
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


def test_bil11_a_credit_note_is_never_paid_and_an_invoice_rule_never_moves_it() -> None:
    assert not is_allowed(CreditNote, DocumentStatus.ISSUED, DocumentStatus.PAID)
    assert is_allowed(Invoice, DocumentStatus.ISSUED, DocumentStatus.PAID)
    with pytest.raises(TypeError):
        allowed_moves(Document)  # a plain Document is moved as the proxy of its kind


@pytest.fixture
def credited(account_a, make_profile):  # type: ignore[no-untyped-def]
    make_profile(account_a, country="DK")
    with time_machine.travel(AT, tick=False):
        invoice = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
        note = credit_note_issue(invoice=invoice, reason="Duplicate", notify=False, render_pdf=False)
    return Invoice.objects.get(pk=invoice.pk), note


def test_bil11_admin_refuses_to_mark_a_credited_invoice_paid_and_changes_nothing(credited, staff_user, public_client):
    invoice, note = credited
    public_client.force_login(staff_user)
    events = AuditEvent.objects.count()
    response = public_client.post(
        "/admin/billing/invoice/",
        {"action": "mark_paid", "_selected_action": [invoice.pk]},
        HTTP_ACCEPT_LANGUAGE="da",
        follow=True,
    )
    page = response.content.decode()
    # the reason, in the admin's language: a void invoice cannot become paid
    assert "kan ikke skifte til" in page and "Betalt" in page and invoice.number in page
    assert Invoice.objects.get(pk=invoice.pk).status == DocumentStatus.VOID
    assert AuditEvent.objects.count() == events


def test_bil11_admin_marks_an_issued_invoice_paid(account_a, make_profile, staff_user, public_client):
    make_profile(account_a, country="DK")
    invoice = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
    public_client.force_login(staff_user)
    response = public_client.post(
        "/admin/billing/invoice/", {"action": "mark_paid", "_selected_action": [invoice.pk]}, follow=True
    )
    assert "1 faktura er markeret som betalt" in response.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == DocumentStatus.PAID
    assert AuditEvent.objects.filter(action="paid", params__document_id=invoice.pk).exists()


def test_bil11_admin_refuses_to_credit_a_credit_note_and_changes_nothing(credited, staff_user, public_client):
    invoice, note = credited
    public_client.force_login(staff_user)
    response = public_client.post(
        f"/admin/billing/creditnote/{note.pk}/credit/",
        {"amount": "10.00", "reason": "Goodwill"},
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert response.status_code == 200 and "Kun en udstedt faktura kan krediteres." in response.content.decode()
    assert Document.objects.get(pk=note.pk).status == DocumentStatus.ISSUED
    assert CreditNote.objects.filter(credited_invoice=note).count() == 0
    assert Document.objects.get(pk=note.pk).net_total == Decimal("-117.00")


def test_bil11_api_refuses_to_mark_a_credited_invoice_paid_and_changes_nothing(credited, staff_user, public_client):
    invoice, note = credited
    token = Token.objects.create(user=staff_user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}", "HTTP_ACCEPT_LANGUAGE": "nb"}
    events = AuditEvent.objects.count()
    refused = public_client.post(f"/api/v1/invoices/{invoice.pk}/mark-paid/", **auth)
    assert refused.status_code == 409
    assert "kan ikke endres til «Betalt»" in refused.json()["detail"]
    assert Invoice.objects.get(pk=invoice.pk).status == DocumentStatus.VOID
    assert AuditEvent.objects.count() == events
    # a credit note is no invoice: not found on the invoices' route
    assert public_client.post(f"/api/v1/invoices/{note.pk}/mark-paid/", **auth).status_code == 404


def test_bil11_api_marks_an_issued_invoice_paid(account_a, make_profile, staff_user, public_client):
    make_profile(account_a, country="DK")
    invoice = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
    token = Token.objects.create(user=staff_user)
    paid = public_client.post(f"/api/v1/invoices/{invoice.pk}/mark-paid/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert Invoice.objects.get(pk=invoice.pk).status == DocumentStatus.PAID
