"""BIL-11: an issued document cannot be changed or deleted — through the ORM, raw SQL, the admin
or the API — because a database trigger refuses it."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing.models import Document, DocumentLine
from billing.services.documents import invoice_draft_create, invoice_issue
from billing.tests.conftest import seats

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(account_a, make_profile):  # type: ignore[no-untyped-def]
    make_profile(account_a, country="DK")
    return invoice_issue(account=account_a, lines=seats(), currency="EUR", notify=False, render_pdf=False)


def refused(action) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError, match="BIL-11"):
        with transaction.atomic():
            action()


def test_bil11_orm_save_of_an_issued_invoice_is_refused(invoice):
    invoice.gross_total = Decimal("1.00")
    refused(invoice.save)
    refused(lambda: Document.objects.filter(pk=invoice.pk).update(buyer={"name": "someone else"}))
    refused(lambda: Document.objects.filter(pk=invoice.pk).update(number="FA-999999"))


def test_bil11_orm_delete_of_an_issued_invoice_is_refused(invoice):
    refused(lambda: Document.objects.filter(pk=invoice.pk).delete())


def test_bil11_raw_sql_update_and_delete_are_refused(invoice):
    def update() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE billing_document SET net_total = 0 WHERE id = %s", [invoice.pk])

    def delete() -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM billing_document WHERE id = %s", [invoice.pk])

    def back_to_draft() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE billing_document SET status = 'draft' WHERE id = %s", [invoice.pk])

    refused(update)
    refused(delete)
    refused(back_to_draft)


def test_bil11_lines_of_an_issued_invoice_are_immutable(invoice):
    line = invoice.lines.get()

    def raw_line_update() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE billing_documentline SET unit_price = 1 WHERE id = %s", [line.pk])

    refused(raw_line_update)
    refused(lambda: DocumentLine.objects.filter(pk=line.pk).delete())
    # the text code and its parameters are part of the line: a rewording is refused too
    refused(lambda: DocumentLine.objects.filter(pk=line.pk).update(code="credit_of_invoice", params={"number": "X"}))
    refused(
        lambda: DocumentLine.objects.create(
            document=invoice,
            position=9,
            description="sneaked in",
            quantity=1,
            unit_price=1,
            net_amount=1,
            vat_rate=0,
            vat_amount=0,
        )
    )


def test_bil11_status_may_move_on_and_the_pdf_be_recorded_once(invoice):
    Document.objects.filter(pk=invoice.pk).update(status="paid")
    Document.objects.filter(pk=invoice.pk).update(pdf_file="x.pdf", pdf_sha256="a" * 64)
    refused(lambda: Document.objects.filter(pk=invoice.pk).update(pdf_sha256="b" * 64))


def test_bil11_drafts_stay_editable(account_a, make_profile):
    make_profile(account_a, country="DK")
    draft = invoice_draft_create(account=account_a, lines=seats())
    DocumentLine.objects.filter(document=draft).update(unit_price=Decimal("45.00"))
    draft.period_start = None
    draft.save()
    draft.lines.all().delete()
    draft.delete()


def test_bil11_admin_refuses_to_edit_an_issued_invoice(invoice, staff_user, public_client):
    public_client.force_login(staff_user)
    url = f"/admin/billing/invoice/{invoice.pk}/change/"
    page = public_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # view only
    response = public_client.post(url, {"reason": "edited"})
    assert response.status_code == 403
    assert public_client.post(f"/admin/billing/invoice/{invoice.pk}/delete/").status_code == 403


def test_bil11_api_refuses_to_edit_an_issued_invoice(invoice, staff_user, public_client):
    public_client.force_login(staff_user)
    url = f"/api/v1/invoices/{invoice.pk}/"
    assert public_client.get(url).json()["number"] == invoice.number
    assert public_client.patch(url, {"reason": "x"}, content_type="application/json").status_code == 405
    assert public_client.delete(url).status_code == 405
