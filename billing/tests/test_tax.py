"""BIL-9: one tax decision for previews and invoices; VIES down charges VAT."""

import socket
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.jobs import vies_retry
from billing.models import BillingProfile, TaxTreatment, ViesStatus
from billing.services.documents import invoice_issue, invoice_preview
from billing.services.profiles import billing_profile_update
from billing.tax import tax_decide
from billing.tests.conftest import DK_VAT, seats
from billing.vies import HttpViesAdapter, OfflineViesAdapter

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(datetime(2026, 3, 2, 10, 0))


def test_bil9_slovak_buyer_pays_slovak_vat(account_a, make_profile):
    profile = make_profile(account_a, country="SK", vat_number="SK2020273893", vies_valid=True)
    decision = tax_decide(buyer=profile, at=AT)
    assert (decision.treatment, decision.country, decision.rate) == (TaxTreatment.DOMESTIC, "SK", Decimal("23.00"))


def test_bil9_slovak_rate_is_20_before_2025_and_23_from_2025(account_a, make_profile):
    profile = make_profile(account_a, country="SK")
    before = tax_decide(buyer=profile, at=timezone.make_aware(datetime(2024, 12, 31, 12)))
    after = tax_decide(buyer=profile, at=timezone.make_aware(datetime(2025, 1, 1, 12)))
    assert (before.rate, after.rate) == (Decimal("20.00"), Decimal("23.00"))


def test_bil9_eu_business_with_verified_vat_number_gets_reverse_charge(account_a, make_profile):
    profile = make_profile(account_a, country="DK", vat_number=DK_VAT, vies_valid=True)
    assert profile.vat_status == ViesStatus.VALID
    assert profile.vies_consultation
    decision = tax_decide(buyer=profile, at=AT)
    assert (decision.treatment, decision.rate) == (TaxTreatment.REVERSE_CHARGE, Decimal("0"))


def test_bil9_eu_consumer_pays_own_country_rate(account_a, make_profile):
    profile = make_profile(account_a, country="DK")
    decision = tax_decide(buyer=profile, at=AT)
    assert (decision.treatment, decision.country, decision.rate) == (TaxTreatment.EU_CONSUMER, "DK", Decimal("25.00"))


def test_bil9_outside_the_eu_no_eu_vat(account_b, make_profile):
    profile = make_profile(account_b, country="NO")
    decision = tax_decide(buyer=profile, at=AT)
    assert (decision.treatment, decision.rate) == (TaxTreatment.OUTSIDE_EU, Decimal("0"))


def test_bil9_vies_down_keeps_number_unverified_and_charges_vat(account_a, seller):
    # given the real HTTP adapter and no VIES to reach (conftest points it at a closed port)
    profile = billing_profile_update(
        account=account_a,
        actor="test",
        data={
            "company": "Alfa Support ApS",
            "name": "Anne Alfa",
            "street": "Havnegade 1",
            "postcode": "1058",
            "city": "København K",
            "country": "DK",
            "email": "billing@alfa.example",
            "vat_number": "31415926",
        },
    )
    # then the number is kept, normalised, unverified, and Danish VAT is charged
    assert profile.vat_number == DK_VAT
    assert profile.vat_status == ViesStatus.UNVERIFIED
    assert profile.vies_checked_at is not None
    assert tax_decide(buyer=profile, at=AT).rate == Decimal("25.00")


def test_bil9_http_adapter_times_out_as_unavailable():
    # a local server that takes the connection and never answers: the read times out, and the
    # adapter answers "unavailable" (loopback only: tests send traffic to no other address)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/check"
        answer = HttpViesAdapter(timeout=0.2, url=url).check(country="DK", number="31415926")
    assert answer.status == "unavailable"


def test_bil9_vies_retry_job_confirms_an_unverified_number(account_a, make_profile, settings):
    make_profile(account_a, country="DK", vat_number=DK_VAT)
    settings.BILLING_VIES_ADAPTER = "billing.tests.test_tax.AlwaysValid"
    report = vies_retry(at=AT, dry_run=False)
    assert report.counts == {"valid": 1}
    assert BillingProfile.objects.get(account=account_a).vat_status == ViesStatus.VALID
    assert vies_retry(at=AT, dry_run=False).counts == {}  # idempotent: nothing left to check


class AlwaysValid(OfflineViesAdapter):
    def __init__(self) -> None:
        super().__init__(valid={DK_VAT})


def test_bil9_invalid_vat_number_is_refused_and_profile_unchanged(account_a, make_profile):
    before = make_profile(account_a, country="DK")
    with pytest.raises(ValidationError) as caught:
        make_profile(account_a, country="DK", vat_number="DK31415927")
    assert "ikke gyldigt" in caught.value.messages[0]  # the active language (da)
    after = BillingProfile.objects.get(account=account_a)
    assert (after.vat_number, after.updated_at) == ("", before.updated_at)


def test_bil9_vies_invalid_answer_charges_vat(account_a, seller):
    profile = billing_profile_update(
        account=account_a,
        actor="test",
        data={
            "company": "A",
            "name": "A",
            "street": "s",
            "postcode": "1",
            "city": "c",
            "country": "DK",
            "email": "a@alfa.example",
            "vat_number": DK_VAT,
        },
        vies=OfflineViesAdapter(valid=set()),
    )
    assert profile.vat_status == ViesStatus.INVALID
    assert tax_decide(buyer=profile, at=AT).treatment == TaxTreatment.EU_CONSUMER


@pytest.mark.parametrize(
    "country,vat,valid",
    [("SK", "", False), ("DK", DK_VAT, True), ("DK", "", False), ("NO", "", False)],
)
def test_bil9_preview_and_invoice_use_the_same_decision(account_a, make_profile, country, vat, valid):
    make_profile(account_a, country=country, vat_number=vat, vies_valid=valid)
    with time_machine.travel(AT, tick=False):
        preview = invoice_preview(account=account_a, lines=seats(), currency="EUR")
        invoice = invoice_issue(account=account_a, lines=seats(), currency="EUR", notify=False, render_pdf=False)
    assert (invoice.tax_treatment, invoice.vat_rate) == (preview.decision.treatment, preview.decision.rate)
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        preview.totals.net,
        preview.totals.vat,
        preview.totals.gross,
    )
