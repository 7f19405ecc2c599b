"""Staff buttons on an invoice's admin page (BIL-11): "Credit this invoice" and "Export a period
as CSV" are absolute links that open, and a credit note's amounts (net, VAT, total) are shown on
a confirmation page before it is issued."""

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse as django_reverse
from django.utils import timezone

from billing.models import CreditNote
from billing.services.documents import invoice_issue
from billing.tests.conftest import seats

pytestmark = pytest.mark.django_db
MARCH = timezone.make_aware(datetime(2026, 3, 10, 12))


def reverse(name: str, args: list[int] | None = None) -> str:
    return django_reverse(name, args=args, urlconf="config.urls_public")  # the admin lives on the public host


@pytest.fixture
def invoice(account_a, make_profile):  # type: ignore[no-untyped-def]
    make_profile(account_a, country="DK")
    with time_machine.travel(MARCH, tick=False):
        return invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)


def test_bil11_invoice_admin_links_are_absolute_and_open(invoice, staff_user, public_client) -> None:
    public_client.force_login(staff_user)
    page = public_client.get(reverse("admin:billing_invoice_change", args=[invoice.pk])).content.decode()
    credit = reverse("admin:billing_invoice_credit", args=[invoice.pk])
    export = reverse("admin:billing_invoice_export")
    hrefs = re.findall(r'<li><a href="([^"]+)"', page)
    assert credit in hrefs and export in hrefs
    assert all(href.startswith("/") for href in hrefs)  # never relative to the change page
    assert public_client.get(credit).status_code == 200
    assert public_client.get(export).status_code == 200


def test_bil11_credit_note_amounts_are_confirmed_before_it_is_issued(invoice, staff_user, public_client) -> None:
    public_client.force_login(staff_user)
    url = reverse("admin:billing_invoice_credit", args=[invoice.pk])
    # 3 × 39.00 = 117.00 net; crediting 100.00 with the invoice's 25 % VAT: −100.00, −25.00, −125.00
    page = public_client.post(url, {"amount": "100.00", "reason": "Goodwill"}, HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200 and not CreditNote.objects.filter(credited_invoice=invoice).exists()
    assert "-100.00 EUR" in text and "-25.00 EUR" in text and "-125.00 EUR" in text
    done = public_client.post(url, {"amount": "100.00", "reason": "Goodwill", "confirmed": "yes"})
    note = CreditNote.objects.get(credited_invoice=invoice)
    assert done.status_code == 302 and note.gross_total == -125
