"""BIL-8: the credit note cancelling an invoice names the invoice's buyer and seller exactly, with
its tax wording, and goes to whoever received the invoice; the new invoice carries the new details
and goes to the current invoice address. A second re-issue of the same invoice is refused and
burns no number."""

import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from accounts.models import Account
from accounts.users.models import Role, User
from billing.models import Document, DocumentCounter, DocumentStatus, Invoice
from billing.pdf import document_pdf_store
from billing.services.common import BillingError
from billing.services.corrections import billing_details_apply_to_last_invoice
from billing.services.documents import invoice_issue
from billing.services.profiles import billing_profile_update
from billing.tests.conftest import DK_VAT, seats
from billing.tests.pdf_worker import pdfs_rendered

pytestmark = pytest.mark.django_db
ISSUED = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
LATER = ISSUED + timedelta(days=4)
PRIVATE = {
    "company": "",
    "name": "Karen Privat",
    "street": "Vestergade 3",
    "postcode": "8000",
    "city": "Aarhus C",
    "country": "DK",
    "email": "karen@privat.example",
    "vat_number": "",
}


def pdf_text(document: Document) -> str:
    stored = document_pdf_store(document_id=document.pk)
    with default_storage.open(stored.pdf_file, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def company_invoice(account_a, make_profile):  # type: ignore[no-untyped-def]
    # reverse charge to a Danish company with a VIES-confirmed VAT number, mailed to billing@alfa.example
    make_profile(account_a, country="DK", vat_number=DK_VAT, vies_valid=True)
    with time_machine.travel(ISSUED, tick=False):
        return invoice_issue(
            account=account_a,
            lines=seats(),
            period_start=date(2026, 3, 1),
            period_end=date(2026, 3, 31),
            notify=False,
            render_pdf=False,
        )


def test_bil8_credit_note_keeps_the_original_buyer_after_the_owner_became_a_private_person(
    account_a, company_invoice, django_capture_on_commit_callbacks, mailoutbox
):
    assert company_invoice.tax_treatment == "reverse_charge"
    # given the Owner changed the billing details to a private person with another e-mail
    billing_profile_update(account=account_a, actor="owner@alfa.dk", data=PRIVATE)
    # when the last invoice is re-issued
    with time_machine.travel(LATER, tick=False), django_capture_on_commit_callbacks(execute=True):
        credit, new = billing_details_apply_to_last_invoice(
            account=account_a, actor="owner@alfa.dk", invoice_id=company_invoice.pk
        )
    # then the credit note is the invoice's parties and tax wording exactly
    assert credit.buyer == company_invoice.buyer and credit.seller == company_invoice.seller
    assert credit.buyer["company"] == account_a.name and credit.buyer["vat_number"] == DK_VAT
    assert (credit.tax_treatment, credit.tax_country, credit.vat_rate) == ("reverse_charge", "DK", 0)
    assert credit.tax_note == company_invoice.tax_note and "196" in credit.tax_note
    # and the new invoice is the private person's, with Danish VAT and no reverse-charge note
    assert new.buyer["name"] == "Karen Privat" and new.buyer["company"] == "" and new.buyer["vat_number"] == ""
    assert new.tax_treatment != "reverse_charge" and new.vat_rate == 25 and "196" not in new.tax_note
    # the credit note went to the address that received the invoice, the new invoice to the new one
    pdfs_rendered(django_capture_on_commit_callbacks)  # each mail carries its PDF (BIL-14)
    sent = {message.subject: message.to for message in mailoutbox}
    assert sent == {
        f"Kreditnota {credit.number}": ["billing@alfa.example"],
        f"Faktura {new.number}": [PRIVATE["email"]],
    }
    # and the credit note's PDF names the company, its VAT number and the reverse charge
    text = pdf_text(credit)
    for expected in (
        account_a.name,
        DK_VAT,
        "Omvendt betalingspligt",
        f"Kreditnota for faktura {company_invoice.number}",
    ):
        assert expected in text, expected
    assert "Karen Privat" not in text and "IBAN" not in text


def test_bil8_second_reissue_of_the_same_invoice_is_refused_and_burns_no_number(account_a, company_invoice):
    billing_profile_update(account=account_a, actor="owner@alfa.dk", data=PRIVATE)
    with time_machine.travel(LATER, tick=False):
        credit, new = billing_details_apply_to_last_invoice(
            account=account_a, actor="owner@alfa.dk", invoice_id=company_invoice.pk
        )
        counters = dict(DocumentCounter.objects.values_list("kind", "last_number"))
        documents = Document.objects.count()
        # when the same request comes again (a second tab, a double submit)
        with pytest.raises(BillingError) as refused:
            billing_details_apply_to_last_invoice(
                account=account_a, actor="owner@alfa.dk", invoice_id=company_invoice.pk
            )
    # then it is refused with what happened already, and nothing is issued or numbered
    message = str(refused.value.message)
    assert company_invoice.number in message and credit.number in message
    assert dict(DocumentCounter.objects.values_list("kind", "last_number")) == counters
    assert Document.objects.count() == documents
    assert Invoice.objects.get(pk=new.pk).status == DocumentStatus.ISSUED


def test_bil8_second_reissue_from_min_konto_says_it_was_done_already(account_a, client_a, company_invoice):
    with tenant_context(account_a):
        client_a.force_login(User.objects.get(role=Role.OWNER))
    billing_profile_update(account=account_a, actor="owner@alfa.dk", data=PRIVATE)
    with time_machine.travel(LATER, tick=False):
        first = client_a.post("/min-konto/billing/details/reissue/", {"invoice": company_invoice.pk}, follow=True)
        again = client_a.post("/min-konto/billing/details/reissue/", {"invoice": company_invoice.pk}, follow=True)
    assert "blev annulleret med kreditnota" in first.content.decode()
    page = again.content.decode()
    assert f"Faktura {company_invoice.number} er allerede annulleret med kreditnota" in page
    assert Document.objects.filter(account=account_a, kind="credit_note").count() == 1


def test_bil8_each_document_is_mailed_in_its_own_language(
    account_a, company_invoice, django_capture_on_commit_callbacks, mailoutbox
):
    # given the invoice was issued in Danish, and the account has switched to Norwegian since
    assert company_invoice.language == "da"
    Account.objects.filter(pk=account_a.pk).update(language="nb")
    account = Account.objects.get(pk=account_a.pk)
    billing_profile_update(account=account, actor="owner@alfa.dk", data=PRIVATE)
    with time_machine.travel(LATER, tick=False), django_capture_on_commit_callbacks(execute=True):
        credit, new = billing_details_apply_to_last_invoice(
            account=account, actor="owner@alfa.dk", invoice_id=company_invoice.pk
        )
    # then the credit note speaks the cancelled invoice's language, the new invoice the account's
    assert (credit.language, new.language) == ("da", "nb")
    pdfs_rendered(django_capture_on_commit_callbacks)  # each mail carries its PDF (BIL-14)
    bodies = {message.to[0]: message.body for message in mailoutbox}
    assert "Vi har udstedt kreditnota" in bodies["billing@alfa.example"]
    assert "Vi har utstedt faktura" in bodies[PRIVATE["email"]]


def test_bil8_owner_becomes_a_private_person_in_min_konto_and_the_credit_note_keeps_the_company(
    account_a, client_a, company_invoice
):
    with tenant_context(account_a):
        client_a.force_login(User.objects.get(role=Role.OWNER))
    # given the Owner enters the billing details of a private person (no company) in Min konto
    with time_machine.travel(LATER, tick=False):
        saved = client_a.post("/min-konto/billing/details/", PRIVATE, follow=True)
        assert saved.status_code == 200
        profile = account_a.billing_profile.__class__.objects.get(account=account_a)
        assert (profile.company, profile.name, profile.email) == ("", "Karen Privat", PRIVATE["email"])
        # when the last invoice is re-issued from Min konto
        client_a.post("/min-konto/billing/details/reissue/", {"invoice": company_invoice.pk}, follow=True)
    # then the credit note names the company with its VAT number, the new invoice the person
    credit = Document.objects.get(account=account_a, kind="credit_note")
    new = Invoice.objects.filter(account=account_a).exclude(pk=company_invoice.pk).get()
    assert credit.buyer["company"] == account_a.name and credit.buyer["vat_number"] == DK_VAT
    assert new.buyer["company"] == "" and new.buyer["name"] == "Karen Privat" and new.vat_rate == 25
