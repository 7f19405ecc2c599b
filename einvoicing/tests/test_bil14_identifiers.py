"""BIL-14: buyers carry the identifiers e-invoices need — checked at entry (IČO, DIČ, CVR,
org.nr, Peppol id), asked of a Slovak company's Owner in Min konto, and an invoice to a Slovak
company without them is not issued (no number taken)."""

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.authtoken.models import Token

from accounts.users.models import Role
from billing.identifiers import company_id_clean, peppol_clean, peppol_default, sk_ico_is_valid, tax_number_clean
from billing.models import BillingProfile, DocumentCounter, DocumentKind
from billing.services.common import BillingError
from billing.services.documents import invoice_issue
from billing.services.profiles import billing_profile_update
from billing.tests.test_minkonto import login
from billing.vies import OfflineViesAdapter
from einvoicing.tests.bil14_documents import ISSUED, KINDS, SK_DIC, SK_ICO, issue_pair, lines, reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_restored():  # type: ignore[no-untyped-def]
    """A Min konto request in nb leaves nb active in this thread: later tests expect the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


SK_FORM = {
    "company": "Alfa s.r.o.",
    "name": "Anne Alfa",
    "street": "Mlynské nivy 5",
    "postcode": "821 09",
    "city": "Bratislava",
    "country": "SK",
    "email": "billing@alfa.example",
    "vat_number": "",
    "company_id": "",
    "tax_number": "",
    "peppol_scheme": "",
    "peppol_id": "",
}


def test_bil14_registration_numbers_are_checked_by_their_own_rules():
    assert sk_ico_is_valid(SK_ICO) and not sk_ico_is_valid("35757443")
    assert company_id_clean(number="357 574 42", country="SK") == SK_ICO
    assert company_id_clean(number="DK 31 41 59 26", country="DK") == "31415926"
    assert company_id_clean(number="974 760 673", country="NO") == "974760673"
    assert tax_number_clean(number="SK 2020273893", country="SK") == SK_DIC
    for number, country in (("35757443", "SK"), ("31415927", "DK"), ("974760674", "NO")):
        with pytest.raises(ValidationError):
            company_id_clean(number=number, country=country)
    with pytest.raises(ValidationError):
        tax_number_clean(number="20202738", country="SK")


def test_bil14_peppol_id_defaults_from_the_registration_number():
    assert peppol_default(country="DK", company_id="31415926", vat_number="") == ("0184", "31415926")
    assert peppol_default(country="NO", company_id="", vat_number="NO974760673MVA") == ("0192", "974760673")
    assert peppol_default(country="SK", company_id=SK_ICO, vat_number="SK2020273893") == ("0245", SK_DIC)
    assert peppol_default(country="SK", company_id=SK_ICO, vat_number="", tax_number=SK_DIC) == ("0245", SK_DIC)
    assert peppol_default(country="DE", company_id="", vat_number="") == ("", "")
    assert peppol_clean(scheme="", participant="0184:31415926") == ("0184", "31415926")
    with pytest.raises(ValidationError):
        peppol_clean(scheme="DK", participant="31415926")


def test_bil14_malformed_cvr_is_refused_in_min_konto_in_danish(client_a, account_a):
    reference_data()
    login(client_a, account_a, Role.OWNER)
    data = {**SK_FORM, "company": "Alfa ApS", "country": "DK", "postcode": "1058", "city": "København K"}
    response = client_a.post("/min-konto/billing/details/", {**data, "company_id": "31415927"})
    assert response.status_code == 200
    assert "Dette CVR-nummer er ikke gyldigt: tjek de 8 cifre." in response.content.decode()
    assert not BillingProfile.objects.filter(account=account_a).exists()


def test_bil14_slovak_company_is_asked_for_ico_and_dic_in_norwegian(client_b, account_b):
    reference_data()
    login(client_b, account_b, Role.OWNER)
    response = client_b.post("/min-konto/billing/details/", SK_FORM)
    assert response.status_code == 200
    page = response.content.decode()
    assert "oppgi selskapets IČO og DIČ" in page
    assert not BillingProfile.objects.filter(account=account_b).exists()
    # malformed IČO: refused with its own message
    response = client_b.post("/min-konto/billing/details/", {**SK_FORM, "company_id": "35757443", "tax_number": SK_DIC})
    assert "Dette IČO-nummeret er ikke gyldig" in response.content.decode()
    # with both: saved, compact
    response = client_b.post(
        "/min-konto/billing/details/", {**SK_FORM, "company_id": "357 574 42", "tax_number": SK_DIC}
    )
    assert response.status_code == 302
    profile = BillingProfile.objects.get(account=account_b)
    assert (profile.company_id, profile.tax_number) == (SK_ICO, SK_DIC)


def test_bil14_slovak_company_invoice_without_identifiers_is_not_issued_and_takes_no_number(account_a):
    reference_data()
    data = {key: value for key, value in SK_FORM.items() if key not in ("company_id", "tax_number")}
    billing_profile_update(account=account_a, actor="test", data=data, vies=OfflineViesAdapter(down=True))
    before = DocumentCounter.objects.filter(kind=DocumentKind.INVOICE).values_list("last_number", flat=True).first()
    with time_machine.travel(ISSUED, tick=False), pytest.raises(BillingError) as refused:
        invoice_issue(account=account_a, lines=lines(), notify=False, render_pdf=False)
    assert "IČO, DIČ" in str(refused.value)
    after = DocumentCounter.objects.filter(kind=DocumentKind.INVOICE).values_list("last_number", flat=True).first()
    assert after == before
    # once the Owner gave them, the invoice is issued
    billing_profile_update(
        account=account_a,
        actor="test",
        data={**data, "company_id": SK_ICO, "tax_number": SK_DIC},
        vies=OfflineViesAdapter(down=True),
    )
    with time_machine.travel(ISSUED, tick=False):
        invoice = invoice_issue(account=account_a, lines=lines(), notify=False, render_pdf=False)
    assert invoice.number and invoice.buyer["company_id"] == SK_ICO and invoice.buyer["tax_number"] == SK_DIC


def test_bil14_identifiers_are_snapshotted_onto_the_document(account_a):
    invoice, credit = issue_pair(account_a, KINDS["dk_company_reverse_charge"])
    assert invoice.buyer["company_id"] == "31415926" and credit.buyer["company_id"] == "31415926"
    assert {"tax_number", "peppol_scheme", "peppol_id"} <= set(invoice.seller)


def test_bil14_api_billing_profile_carries_and_checks_the_identifiers(account_a, staff_user, public_client):
    reference_data()
    billing_profile_update(account=account_a, actor="test", data=KINDS["dk_company_reverse_charge"].data)
    profile = BillingProfile.objects.get(account=account_a)
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=staff_user).key}"}
    url = f"/api/v1/billing-profiles/{profile.pk}/"
    assert public_client.get(url, **auth).json()["company_id"] == "31415926"
    refused = public_client.patch(url, {"company_id": "31415927"}, content_type="application/json", **auth)
    assert refused.status_code == 400 and "company_id" in refused.json()
    accepted = public_client.patch(
        url, {"peppol_scheme": "0184", "peppol_id": "31415926"}, content_type="application/json", **auth
    )
    assert accepted.status_code == 200 and accepted.json()["peppol_id"] == "31415926"
    assert BillingProfile.objects.get(pk=profile.pk).peppol_scheme == "0184"
