"""GDPR-6 meets BIL-11: the privacy desk finds a person's invoices and billing details, and keeps
them on erasure with the legal reason."""

import pytest

from billing.services.documents import invoice_issue
from billing.tests.conftest import seats
from privacy.registry import sources

pytestmark = pytest.mark.django_db


def test_bil11_invoices_are_found_for_access_and_kept_on_erasure(account_a, make_profile):
    make_profile(account_a, country="DK")
    invoice = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
    by_key = {source.key: source for source in sources()}
    documents, profile = by_key["billing.documents"], by_key["billing.profile"]
    found = documents.collect("Billing@Alfa.example")
    assert [d["number"] for d in found] == [invoice.number]
    assert found[0]["buyer"]["street"] == "Havnegade 1"
    assert profile.collect("billing@alfa.example")[0]["account"] == "alfa"
    assert documents.erase is None and "10" in str(documents.kept_reason)
