"""BIL-11: the document's rounding note names the currency's own minor unit: "øre" for DKK and
NOK, "cent" for EUR and USD — in Danish and in Norwegian."""

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from billing.pdf import document_html
from billing.services.documents import invoice_issue
from billing.tests.conftest import seats

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(datetime(2026, 3, 2, 10, 0))


@pytest.mark.parametrize(
    ("language", "currency", "note"),
    [
        ("da", "USD", "til nærmeste cent"),
        ("da", "EUR", "til nærmeste cent"),
        ("da", "DKK", "til nærmeste øre"),
        ("nb", "EUR", "til nærmeste cent"),
        ("nb", "NOK", "til nærmeste øre"),
    ],
)
def test_bil11_rounding_note_names_the_currencys_minor_unit(
    account_a, account_b, make_profile, language: str, currency: str, note: str
) -> None:
    account = account_a if language == "da" else account_b
    make_profile(account, country="NO")  # outside the EU: no VAT, so no euro rate is needed
    with time_machine.travel(AT, tick=False):
        invoice = invoice_issue(account=account, lines=seats(), currency=currency, notify=False, render_pdf=False)
    html = document_html(invoice)
    assert note in html
    assert ("øre" in html) == (currency in ("DKK", "NOK"))
