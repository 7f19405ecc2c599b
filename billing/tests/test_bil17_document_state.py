"""BIL-17 on the PDF: a paid invoice says that it is paid, how and when, and asks for nothing; an
unpaid one says by when and how to pay; a credit note names its invoice and asks for nothing.
Unit prices print with the precision that makes quantity × unit price the line's amount.
The pages are kept as PNG artifacts (var/test-artifacts/bil8/)."""

import io
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.template import Context, Template
from django.utils import translation
from pypdf import PdfReader

from billing.models import Document
from billing.pdf import document_pdf_store
from billing.services.corrections import credit_note_issue
from billing.services.documents import invoice_issue
from billing.services.status import document_mark_paid
from billing.tax import LineInput
from billing.tests.conftest import seats

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "bil8"
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
VISA_4242 = {"method": "card", "brand": "Visa", "last4": "4242"}
WORDS = {
    "da": {"paid": "Betalt i alt", "to_pay": "At betale i alt", "due": "Forfaldsdato", "reference": "Reference"},
    "nb": {"paid": "Totalt betalt", "to_pay": "Totalt å betale", "due": "Forfallsdato", "reference": "Referanse"},
}


def pdf_text(document: Document, png: str = "") -> str:
    stored = document_pdf_store(document_id=document.pk)
    if png:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = default_storage.path(stored.pdf_file)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", path, str(ARTIFACTS / png)], check=True)
    with default_storage.open(stored.pdf_file, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture(params=["a", "b"])
def account(request, make_profile):  # type: ignore[no-untyped-def]
    account = request.getfixturevalue(f"account_{request.param}")
    make_profile(account, country="DK" if request.param == "a" else "NO")
    return account


def test_bil17_paid_invoice_pdf_says_it_is_paid_with_the_card_and_asks_for_nothing(account):
    with time_machine.travel(T0, tick=False):
        invoice = invoice_issue(account=account, lines=seats(), notify=False, render_pdf=False)
        document_mark_paid(document=invoice, actor="system", paid_at=T0, payment=VISA_4242)
    text = pdf_text(invoice, png=f"invoice-paid-{account.language}")
    words = WORDS[account.language]
    assert "Betalt med Visa •••• 4242 den 29.11.2026" in text  # the same words in da and nb
    assert words["paid"] in text
    for absent in ("IBAN", "BIC", words["due"], words["to_pay"], "13.12.2026"):
        assert absent not in text, absent


def test_bil17_unpaid_invoice_pdf_says_how_to_pay_and_by_when(account, seller):
    with time_machine.travel(T0, tick=False):
        invoice = invoice_issue(account=account, lines=seats(), notify=False, render_pdf=False)
    text = pdf_text(invoice, png=f"invoice-unpaid-{account.language}")
    words = WORDS[account.language]
    for expected in (
        words["due"],
        "13.12.2026",  # 14 days after the issue
        words["to_pay"],
        seller.iban,
        seller.bic,
        f"{words['reference']}: {invoice.number}",
    ):
        assert expected in text, expected
    assert "Betalt med" not in text


def test_bil17_credit_note_pdf_names_its_invoice_and_asks_for_nothing(account):
    with time_machine.travel(T0, tick=False):
        invoice = invoice_issue(account=account, lines=seats(), notify=False, render_pdf=False)
        document_mark_paid(document=invoice, actor="system", paid_at=T0, payment=VISA_4242)
        note = credit_note_issue(invoice=invoice, reason="Wrong seat count", notify=False, render_pdf=False)
    text = pdf_text(note, png=f"credit-note-{account.language}")
    assert f"Kreditnota for faktura {invoice.number}" in text  # the same words in da and nb
    for absent in ("IBAN", WORDS[account.language]["due"], WORDS[account.language]["to_pay"]):
        assert absent not in text, absent


def test_bil17_unit_price_prints_with_the_precision_that_makes_the_line_total(account_a, make_profile):
    make_profile(account_a, country="DK")
    with time_machine.travel(T0, tick=False):
        invoice = invoice_issue(
            account=account_a,
            lines=[LineInput("Extra minutes", Decimal("3"), Decimal("0.333"))],
            notify=False,
            render_pdf=False,
        )
    text = pdf_text(invoice)
    assert invoice.net_total == Decimal("1.00")
    assert "0,333 EUR" in text and "1,00 EUR" in text
    assert "0,33 EUR" not in text


@pytest.mark.parametrize(
    "language,value,shown",
    [
        ("da", "0.333", "0,333 EUR"),
        ("da", "39", "39,00 EUR"),
        ("da", "1234.5", "1.234,50 EUR"),
        ("nb", "0.3333", "0,3333 EUR"),
        ("nb", "-0.333", "-0,333 EUR"),
    ],
)
def test_bil17_unit_price_filter_shows_what_the_price_is_in_the_readers_locale(language, value, shown):
    # the one filter the PDF and Min konto's plan prices use
    with translation.override(language):
        rendered = Template("{% load billing_format %}{{ value|unit_price:'EUR' }}").render(
            Context({"value": Decimal(value)})
        )
    assert rendered == shown
