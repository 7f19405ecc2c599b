"""BIL-11/BIL-16 (Art. 230 of the VAT Directive): a document in another currency that charges VAT
states the VAT in euro, at the ECB rate of its tax point (the latest on or before that day, at most
7 days old); the figure is immutable too."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Document, ExchangeRate
from billing.pdf import document_html
from billing.services.corrections import credit_note_issue
from billing.services.documents import invoice_issue
from billing.tests.conftest import seats

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(datetime(2026, 3, 2, 10, 0))


def test_bil11_usd_invoice_with_vat_states_the_vat_in_euro(account_a, make_profile):
    make_profile(account_a, country="DK")  # an EU consumer: Danish VAT, 25 %
    ExchangeRate.objects.create(currency="USD", day=date(2026, 2, 27), per_eur=Decimal("1.083000"))
    ExchangeRate.objects.create(currency="USD", day=date(2026, 3, 3), per_eur=Decimal("2"))  # a later day: not used
    with time_machine.travel(AT, tick=False):
        invoice = invoice_issue(account=account_a, lines=seats(), currency="USD", notify=False, render_pdf=False)
        note = credit_note_issue(invoice=invoice, reason="x", notify=False, render_pdf=False)
    # VAT 117.00 × 25 % = 29.25 USD; / 1.083 = 27.008… → 27.01 EUR
    assert (invoice.vat_total, invoice.vat_total_eur, invoice.eur_rate_day) == (
        Decimal("29.25"),
        Decimal("27.01"),
        date(2026, 2, 27),
    )
    assert note.vat_total_eur == Decimal("-27.01")
    assert "27,01 EUR" in document_html(invoice) and "1 EUR = 1,083000 USD" in document_html(invoice)
    with pytest.raises(IntegrityError, match="BIL-11"), transaction.atomic():
        Document.objects.filter(pk=invoice.pk).update(vat_total_eur=Decimal("1.00"))


def test_bil11_no_euro_line_without_vat_or_in_euro(account_a, account_b, make_profile):
    make_profile(account_b, country="NO")  # outside the EU: no VAT
    make_profile(account_a, country="DK")
    ExchangeRate.objects.create(currency="USD", day=date(2026, 2, 27), per_eur=Decimal("1.083000"))
    with time_machine.travel(AT, tick=False):
        no_vat = invoice_issue(account=account_b, lines=seats(), currency="USD", notify=False, render_pdf=False)
        in_euro = invoice_issue(account=account_a, lines=seats(), currency="EUR", notify=False, render_pdf=False)
        no_rate = invoice_issue(account=account_a, lines=seats(), currency="NOK", notify=False, render_pdf=False)
    assert no_vat.vat_total_eur is None and in_euro.vat_total_eur is None
    # BIL-16: without the rate of its tax point it is not issued: a draft, no number taken.
    assert no_rate.status == "draft" and no_rate.number == "" and no_rate.vat_total_eur is None
