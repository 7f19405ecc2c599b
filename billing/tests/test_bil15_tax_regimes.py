"""BIL-15: the tax decision outside the EU (Art. 44 for businesses, Art. 59 for consumers, VOEC
and UK VAT once registered), VIES only for EU numbers, the registration switch and the threshold
alerts; and the BIL-9 wording the customer reads (reverse charge in three languages, no OSS note
for a business VIES could not confirm)."""

import importlib
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from billing.jobs import tax_thresholds
from billing.models import BillingProfile, ExchangeRate, TaxTreatment, ViesStatus
from billing.pdf import document_html
from billing.services.documents import invoice_issue, invoice_preview
from billing.services.profiles import billing_profile_update
from billing.tax_registration import TaxRegime, TaxRegistration, TaxThresholdCheck
from billing.tests.conftest import seats
from billing.tests.test_minkonto import login
from billing.vies import OfflineViesAdapter

pytestmark = pytest.mark.django_db
AT = timezone.make_aware(datetime(2026, 3, 10, 12, 0))
NO_MVA = "NO 974 760 673 MVA"  # a valid organisation number (mod-11) in its MVA form
GB_VAT = "GB 980 7806 84"


def _profile(account, *, country, vat_number="", company="", vies=None):  # type: ignore[no-untyped-def]
    return billing_profile_update(
        account=account,
        actor="test",
        data={
            "company": company,
            "name": "Kari Nordmann",
            "street": "Storgata 1",
            "postcode": "0155",
            "city": "Oslo",
            "country": country,
            "email": "kari@example.no",
            "vat_number": vat_number,
        },
        vies=vies or OfflineViesAdapter(down=True),
    )


def _issue(account, currency="EUR"):  # type: ignore[no-untyped-def]
    with time_machine.travel(AT, tick=False):
        return invoice_issue(account=account, lines=seats(), currency=currency, notify=False, render_pdf=False)


def test_bil15_norwegian_company_gets_no_eu_vat_with_article_44(account_b, seller):
    # given a Norwegian company with its MVA number (account_b reads Norwegian)
    _profile(account_b, country="NO", vat_number=NO_MVA, company="Fjord Support AS")
    invoice = _issue(account_b)
    assert (invoice.tax_treatment, invoice.vat_rate, invoice.vat_total) == (
        TaxTreatment.OUTSIDE_EU_BUSINESS,
        Decimal("0.00"),
        Decimal("0.00"),
    )
    html = document_html(invoice)
    assert "artikkel 44 i rådsdirektiv 2006/112/EF" in html
    assert "Article 44 of Council Directive 2006/112/EC" in html and "článku 44 smernice" in html
    assert "artikkel 59" not in html and "Article 59" not in html


def test_bil15_norwegian_consumer_pays_25_percent_once_voec_registered_and_0_with_article_59_before(account_b, seller):
    _profile(account_b, country="NO")  # no business number: a consumer
    before = _issue(account_b)
    assert (before.tax_treatment, before.vat_rate) == (TaxTreatment.OUTSIDE_EU, Decimal("0.00"))
    assert "artikkel 59" in before.tax_note
    # when staff record the VOEC registration from 1 March 2026
    TaxRegistration(regime=TaxRegime.NO_VOEC, number="voec 2012345", valid_from=date(2026, 3, 1)).full_clean()
    TaxRegistration.objects.create(regime=TaxRegime.NO_VOEC, number="VOEC 2012345", valid_from=date(2026, 3, 1))
    after = _issue(account_b)
    # then Norwegian VAT at 25 %, the VOEC number printed
    assert (after.tax_treatment, after.tax_country, after.vat_rate) == (TaxTreatment.NO_VOEC, "NO", Decimal("25.00"))
    assert after.vat_total == Decimal("29.25")  # 3 × 39.00 × 25 %
    assert "Norsk merverdiavgift på 25 % er beregnet etter VOEC-ordningen" in after.tax_note
    assert "VOEC 2012345" in document_html(after)
    # and the preview says the same
    with time_machine.travel(AT, tick=False):
        assert invoice_preview(account=account_b, lines=seats(), currency="EUR").decision.rate == Decimal("25.00")


def test_bil15_uk_consumer_pays_uk_vat_once_registered(account_a, seller):
    _profile(account_a, country="GB")
    assert _issue(account_a).tax_treatment == TaxTreatment.OUTSIDE_EU
    TaxRegistration.objects.create(regime=TaxRegime.UK_VAT, number="GB980780684", valid_from=date(2026, 1, 1))
    invoice = _issue(account_a)
    assert (invoice.tax_treatment, invoice.vat_rate, invoice.vat_total) == (
        TaxTreatment.UK_VAT,
        Decimal("20.00"),
        Decimal("23.40"),
    )
    html = document_html(invoice)
    assert "Der opkræves britisk moms med 20 %" in html  # account_a reads Danish
    assert "UK VAT registration number: GB980780684" in html


def test_bil15_a_registration_without_its_number_is_refused(staff_user, public_client):
    public_client.force_login(staff_user)
    page = public_client.post(
        "/admin/billing/taxregistration/add/", {"regime": "no_voec", "number": "", "valid_from": "2026-03-01"}
    )
    assert page.status_code == 200 and not TaxRegistration.objects.exists()
    with pytest.raises(ValidationError, match="syv cifre"):
        TaxRegistration(regime=TaxRegime.NO_VOEC, number="12345", valid_from=date(2026, 3, 1)).full_clean()
    with pytest.raises(ValidationError, match="gyldigt britisk"):
        TaxRegistration(regime=TaxRegime.UK_VAT, number="GB123456789", valid_from=date(2026, 3, 1)).full_clean()


def test_bil15_norwegian_mva_number_is_never_sent_to_vies(account_a, seller, client_a):
    # given a VIES adapter that records every question it is asked
    vies = OfflineViesAdapter()
    profile = _profile(account_a, country="NO", vat_number=NO_MVA, company="Fjord Support AS", vies=vies)
    uk = _profile(account_a, country="GB", vat_number=GB_VAT, company="Thames Help Ltd", vies=vies)
    # then VIES was never asked, and the numbers are kept checked by their own rules
    assert vies.calls == []
    assert (profile.vat_number, uk.vat_number) == ("NO974760673MVA", "GB980780684")
    assert uk.vat_status == ViesStatus.NOT_EU
    # and the customer is not told VAT is charged until the number is confirmed
    login(client_a, account_a, "owner")
    page = client_a.get("/min-konto/billing/details/").content.decode()
    assert "indtil det er bekræftet" not in page


@pytest.mark.parametrize(
    "country,number,message",
    [("NO", "NO 974 760 674 MVA", "norske organisations"), ("GB", "GB 123 4567 89", "britiske momsnummer")],
)
def test_bil15_malformed_norwegian_and_uk_numbers_are_refused_at_entry(account_a, seller, country, number, message):
    with translation.override("da"), pytest.raises(ValidationError, match=message):
        _profile(account_a, country=country, vat_number=number, company="Firma")


def test_bil15_danish_company_with_vies_unavailable_is_not_given_the_oss_note(account_a, seller):
    # given VIES cannot be reached when the Danish company enters its number
    _profile(account_a, country="DK", vat_number="DK31415926", company="Alfa Support ApS")
    invoice = _issue(account_a)
    # then Danish VAT, and a note that says why, not the consumers' OSS wording
    assert (invoice.tax_treatment, invoice.vat_rate) == (TaxTreatment.EU_BUSINESS_UNVERIFIED, Decimal("25.00"))
    assert "endnu ikke kunne bekræftes i EU's VIES-system" in invoice.tax_note
    assert "One-Stop" not in invoice.tax_note and "OSS" not in document_html(invoice)


def test_bil15_reverse_charge_note_is_translated_and_in_english_and_slovak(account_b, seller):
    vies = OfflineViesAdapter(valid={"DK31415926"})
    _profile(account_b, country="DK", vat_number="DK31415926", company="Skift ApS", vies=vies)
    invoice = _issue(account_b)  # account_b reads Norwegian
    assert invoice.tax_treatment == TaxTreatment.REVERSE_CHARGE
    lines = invoice.tax_note.splitlines()
    assert lines[0].startswith("Omvendt avgiftsplikt") and "artikkel 196" in lines[0]
    assert lines[1] == "Reverse charge – Article 196 of Council Directive 2006/112/EC."
    assert lines[2] == "Prenesenie daňovej povinnosti – článok 196 smernice Rady 2006/112/ES."


def test_bil15_threshold_job_alerts_staff_at_nok_50000_until_voec_registered(
    account_b, seller, staff_user, public_client
):
    _profile(account_b, country="NO")
    ExchangeRate.objects.create(currency="NOK", day=date(2026, 3, 9), per_eur=Decimal("11.6525"))
    # given sales to a Norwegian consumer: 45 seats × 39 EUR = 1,755 EUR ≈ NOK 20,450, then 70 more seats
    with time_machine.travel(AT, tick=False):
        invoice_issue(account=account_b, lines=seats(45), notify=False, render_pdf=False)
        report = tax_thresholds(at=AT, dry_run=False)
        assert report.counts == {"ok": 2}
        invoice_issue(account=account_b, lines=seats(70), notify=False, render_pdf=False)
        report = tax_thresholds(at=AT, dry_run=False)
    check = TaxThresholdCheck.objects.get(regime=TaxRegime.NO_VOEC, day=date(2026, 3, 10))
    assert check.sales == Decimal("52261.46") and check.alert  # 4,485 EUR × 11.6525
    # then staff see it on the billing admin
    public_client.force_login(staff_user)
    with time_machine.travel(AT, tick=False):
        page = public_client.get("/admin/billing/invoice/").content.decode()
        assert "Salget til forbrugere i Norge har nået 52.261,46 NOK" in page
        # and once registered the alert is gone
        TaxRegistration.objects.create(regime=TaxRegime.NO_VOEC, number="VOEC 2012345", valid_from=date(2026, 3, 10))
        assert "Salget til forbrugere i Norge" not in public_client.get("/admin/billing/invoice/").content.decode()


def test_bil15_a_uk_consumer_sale_while_unregistered_alerts_staff(account_a, seller):
    _profile(account_a, country="GB")
    ExchangeRate.objects.create(currency="GBP", day=date(2026, 3, 9), per_eur=Decimal("0.84215"))
    _issue(account_a)
    with time_machine.travel(AT, tick=False):
        tax_thresholds(at=AT, dry_run=False)
    check = TaxThresholdCheck.objects.get(regime=TaxRegime.UK_VAT)
    assert check.alert and check.sales == Decimal("98.53")  # 117 EUR × 0.84215


def test_bil15_profiles_saved_before_with_a_non_eu_number_are_no_longer_unverified(account_a, account_b, seller):
    norwegian = _profile(account_b, country="NO", vat_number=NO_MVA, company="Fjord Support AS")
    danish = _profile(account_a, country="DK", vat_number="DK31415926", company="Alfa Support ApS")
    BillingProfile.objects.filter(pk=norwegian.pk).update(vat_status=ViesStatus.UNVERIFIED)  # as saved before
    migration = importlib.import_module("billing.migrations.0008_non_eu_numbers_not_unverified")
    migration.non_eu_not_unverified(django_apps, None)
    assert BillingProfile.objects.get(pk=norwegian.pk).vat_status == ViesStatus.NOT_EU
    assert BillingProfile.objects.get(pk=danish.pk).vat_status == ViesStatus.UNVERIFIED  # VIES is asked again
