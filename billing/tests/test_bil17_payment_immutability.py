"""BIL-11 + BIL-17 in the database: on an issued document only the status may move on (issued →
paid or void, paid → void) and the payment (`paid_at`, `payment`) is written once, with the move
to paid. Everything else — the buyer first — stays frozen, whoever asks."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from rest_framework.authtoken.models import Token

from billing.models import Document, DocumentStatus
from billing.services.documents import invoice_issue
from billing.services.status import document_mark_paid
from billing.tests.conftest import seats

pytestmark = pytest.mark.django_db
PAID_AT = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
VISA_4242 = {"method": "card", "brand": "Visa", "last4": "4242"}


@pytest.fixture
def invoice(account_a, make_profile):  # type: ignore[no-untyped-def]
    make_profile(account_a, country="DK")
    return invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)


def refused(action, rule: str = "BIL-") -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError, match=rule):
        with transaction.atomic():
            action()


def sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, list(params))


def test_bil17_the_move_to_paid_records_the_payment_once(invoice):
    document_mark_paid(document=invoice, actor="system", paid_at=PAID_AT, payment=VISA_4242)
    stored = Document.objects.get(pk=invoice.pk)
    assert (stored.status, stored.paid_at, stored.payment) == (DocumentStatus.PAID, PAID_AT, VISA_4242)
    # the payment cannot be rewritten afterwards, not even by raw SQL
    refused(lambda: Document.objects.filter(pk=invoice.pk).update(payment={"method": "bank_transfer"}), "BIL-17")
    refused(lambda: sql("UPDATE billing_document SET paid_at = now() WHERE id = %s", invoice.pk), "BIL-17")
    # nor can the status go back
    refused(lambda: sql("UPDATE billing_document SET status = 'issued' WHERE id = %s", invoice.pk), "BIL-11")


def test_bil17_a_payment_cannot_be_written_without_the_move_to_paid(invoice):
    refused(lambda: Document.objects.filter(pk=invoice.pk).update(paid_at=PAID_AT, payment=VISA_4242), "BIL-17")
    assert Document.objects.get(pk=invoice.pk).paid_at is None


def test_bil17_a_change_of_buyer_is_refused_by_the_database_also_with_the_move_to_paid(invoice):
    someone_else = {**invoice.buyer, "company": "Someone Else ApS", "vat_number": "DK99999999"}
    # on its own
    refused(lambda: Document.objects.filter(pk=invoice.pk).update(buyer=someone_else), "BIL-11")
    # smuggled into the move to paid
    refused(
        lambda: Document.objects.filter(pk=invoice.pk).update(status="paid", paid_at=PAID_AT, buyer=someone_else),
        "BIL-11",
    )
    # and after it
    document_mark_paid(document=invoice, actor="system", paid_at=PAID_AT, payment=VISA_4242)
    refused(lambda: Document.objects.filter(pk=invoice.pk).update(buyer=someone_else), "BIL-11")
    assert Document.objects.get(pk=invoice.pk).buyer == invoice.buyer


def test_bil17_a_void_invoice_cannot_become_paid(invoice):
    sql("UPDATE billing_document SET status = 'void' WHERE id = %s", invoice.pk)
    refused(
        lambda: sql("UPDATE billing_document SET status = 'paid', paid_at = now() WHERE id = %s", invoice.pk), "BIL-11"
    )


def test_bil17_staff_marking_an_invoice_paid_records_a_bank_transfer(invoice, staff_user, public_client):
    token = Token.objects.create(user=staff_user)
    with time_machine.travel(PAID_AT, tick=False):
        paid = public_client.post(f"/api/v1/invoices/{invoice.pk}/mark-paid/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert paid.status_code == 200
    body = paid.json()
    assert (body["status"], body["payment"]) == ("paid", {"method": "bank_transfer"})
    assert Document.objects.get(pk=invoice.pk).paid_at == PAID_AT
