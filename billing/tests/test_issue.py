"""BIL-11: numbers taken at issue, gapless; snapshots; credit notes; the status machine."""

from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction

from billing.models import Document, DocumentStatus, Invoice
from billing.pdf import document_pdf_store
from billing.services.common import BillingError
from billing.services.corrections import credit_note_issue
from billing.services.documents import document_issue, invoice_draft_create, invoice_issue
from billing.services.status import document_mark_paid
from billing.tax import LineInput
from billing.tests.conftest import seats
from core.transitions import IllegalTransition

pytestmark = pytest.mark.django_db


def issue(account, lines=None):  # type: ignore[no-untyped-def]
    return invoice_issue(account=account, lines=lines or seats(), currency="EUR", notify=False, render_pdf=False)


def test_bil11_draft_has_no_number_until_issued(account_a, make_profile):
    make_profile(account_a, country="DK")
    draft = invoice_draft_create(account=account_a, lines=seats())
    assert (draft.status, draft.number, draft.sequence) == (DocumentStatus.DRAFT, "", None)
    issued = document_issue(document=draft, notify=False, render_pdf=False)
    assert issued.status == DocumentStatus.ISSUED
    assert issued.number.startswith("FA-")


def test_bil11_numbers_are_consecutive_per_series(account_a, account_b, make_profile):
    make_profile(account_a, country="DK")
    make_profile(account_b, country="NO")
    first, second, third = issue(account_a), issue(account_b), issue(account_a)
    assert [second.sequence - first.sequence, third.sequence - second.sequence] == [1, 1]
    note = credit_note_issue(invoice=first, reason="test", notify=False, render_pdf=False)
    assert note.number.startswith("DB-")


def test_bil11_a_failed_issue_burns_no_number(account_a, make_profile):
    make_profile(account_a, country="DK")
    before = issue(account_a)
    # the failure comes after the number was taken, before the issuing transaction commits
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            taken = issue(account_a)
            assert taken.sequence == before.sequence + 1
            raise RuntimeError("the connection dropped before commit")
    # and a failure before the number (the audit write) leaves nothing behind either
    with mock.patch("billing.services.issuing.billing_audit", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            issue(account_a)
    after = issue(account_a)
    assert after.sequence == before.sequence + 1
    assert Document.objects.filter(status=DocumentStatus.DRAFT).count() == 0  # rolled back whole


def test_bil11_snapshots_do_not_follow_later_profile_changes(account_a, make_profile):
    make_profile(account_a, country="DK")
    invoice = issue(account_a)
    profile = make_profile(account_a, country="SK")
    profile.company = "Renamed"
    invoice.refresh_from_db()
    assert invoice.buyer["country"] == "DK"
    assert invoice.seller["vat_number"] == "SK2024123464"
    assert invoice.tax_country == "DK" and invoice.vat_rate == Decimal("25.00")


def test_bil11_every_art_226_field_is_on_the_invoice(account_a, make_profile):
    make_profile(account_a, country="DK", vat_number="DK31415926", vies_valid=True)
    invoice = issue(account_a)
    line = invoice.lines.get()
    assert invoice.issued_at and invoice.number  # (1) date of issue, (2) sequential number
    assert invoice.seller["vat_number"] and invoice.buyer["vat_number"]  # (3), (4)
    assert invoice.seller["legal_name"] and invoice.seller["street"] and invoice.buyer["street"]  # (5)
    assert line.quantity and line.description  # (6)
    assert invoice.period_start is None and invoice.issued_at  # (7) supply date = issue date here
    assert line.unit_price and invoice.net_total  # (8)
    assert invoice.vat_rate is not None and invoice.vat_total is not None  # (9), (10)
    assert "Omvendt betalingspligt" in invoice.tax_note  # (11a), in the buyer's language (da)
    assert invoice.currency == "EUR"


def test_bil11_credit_note_larger_than_remaining_is_refused(account_a, make_profile):
    make_profile(account_a, country="DK")
    invoice = issue(account_a)  # 3 × 39.00 = 117.00 net
    credit_note_issue(invoice=invoice, amount=Decimal("100.00"), reason="goodwill", notify=False, render_pdf=False)
    with pytest.raises(BillingError, match=r"17,01 EUR.*17,00 EUR"):
        credit_note_issue(invoice=invoice, amount=Decimal("17.01"), reason="too much", notify=False, render_pdf=False)
    invoice.refresh_from_db()
    assert invoice.status == DocumentStatus.ISSUED
    last = credit_note_issue(invoice=invoice, amount=Decimal("17.00"), reason="rest", notify=False, render_pdf=False)
    invoice.refresh_from_db()
    assert invoice.status == DocumentStatus.VOID
    assert last.net_total == Decimal("-17.00") and last.vat_total == Decimal("-4.25")


def test_bil11_full_credit_note_mirrors_the_invoice_and_voids_it(account_a, make_profile):
    make_profile(account_a, country="DK")
    invoice = issue(
        account_a, [LineInput("A", Decimal("1"), Decimal("10.005")), LineInput("B", Decimal("3"), Decimal("0.335"))]
    )
    note = credit_note_issue(invoice=invoice, reason="wrong plan", notify=False, render_pdf=False)
    assert (note.net_total, note.vat_total, note.gross_total) == (
        -invoice.net_total,
        -invoice.vat_total,
        -invoice.gross_total,
    )
    assert note.credited_invoice_id == invoice.pk and note.vat_rate == invoice.vat_rate
    assert Invoice.objects.get(pk=invoice.pk).status == DocumentStatus.VOID
    with pytest.raises(BillingError):
        credit_note_issue(invoice=invoice, reason="again", notify=False, render_pdf=False)


def test_bil11_status_machine_refuses_illegal_moves(account_a, make_profile):
    make_profile(account_a, country="DK")
    invoice = issue(account_a)
    document_mark_paid(document=invoice, actor="test")
    with pytest.raises(IllegalTransition):
        document_mark_paid(document=invoice, actor="test")
    with pytest.raises(IllegalTransition):
        document_issue(document=invoice, notify=False, render_pdf=False)


def test_bil11_issue_mails_the_buyer_in_its_language(
    account_b, make_profile, django_capture_on_commit_callbacks, mailoutbox
):
    make_profile(account_b, country="NO")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(account=account_b, lines=seats(), currency="EUR", render_pdf=False)
    assert not mailoutbox  # BIL-14: it waits for its PDF, which it carries
    with django_capture_on_commit_callbacks(execute=True):
        document_pdf_store(document_id=invoice.pk)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == f"Faktura {invoice.number}"
    assert "/min-konto/billing/" in mailoutbox[0].body
    assert [name for name, _content, _type in mailoutbox[0].attachments] == [f"{invoice.number}.pdf"]
