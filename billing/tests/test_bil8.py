"""BIL-8: within 15 days of the last invoice's issue date the Owner may have it re-issued with new
billing details (credit note + new invoice, both e-mailed); from day 16 the request is refused
with the reason and the date the new details first apply."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.users.models import Role, User
from billing.models import Document, DocumentStatus, Invoice
from billing.pdf import document_pdf_store
from billing.services.common import BillingError
from billing.services.corrections import billing_details_apply_to_last_invoice
from billing.services.documents import invoice_issue
from billing.tests.conftest import PASSWORD_FOR_TESTS, seats
from core.models import AuditEvent

pytestmark = pytest.mark.django_db
ISSUED = timezone.make_aware(datetime(2026, 3, 1, 9, 0))


@pytest.fixture
def last_invoice(account_a, make_profile):  # type: ignore[no-untyped-def]
    make_profile(account_a, country="DK")
    with time_machine.travel(ISSUED, tick=False):
        return invoice_issue(
            account=account_a,
            lines=seats(),
            currency="EUR",
            period_start=date(2026, 3, 1),
            period_end=date(2026, 3, 31),
            notify=False,
            render_pdf=False,
        )


def test_bil8_reissue_on_day_15_gives_credit_note_and_new_invoice(
    account_a, last_invoice, make_profile, django_capture_on_commit_callbacks, mailoutbox
):
    # given new details: now a business with a VIES-confirmed VAT number
    make_profile(account_a, country="DK", vat_number="DK31415926", vies_valid=True)
    # when the Owner asks exactly 15 days after the issue date
    with time_machine.travel(ISSUED + timedelta(days=15, hours=10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            credit, new = billing_details_apply_to_last_invoice(account=account_a, actor="owner@alfa.dk")
        with django_capture_on_commit_callbacks(execute=True):  # the worker: each PDF, then its mail
            for document in (credit, new):
                document_pdf_store(document_id=document.pk)
    # then the old invoice is cancelled and the new one carries the new details and decision
    assert Invoice.objects.get(pk=last_invoice.pk).status == DocumentStatus.VOID
    assert credit.credited_invoice_id == last_invoice.pk and credit.gross_total == -last_invoice.gross_total
    assert new.buyer["vat_number"] == "DK31415926" and new.tax_treatment == "reverse_charge"
    assert (new.period_start, new.period_end) == (last_invoice.period_start, last_invoice.period_end)
    assert sorted(m.subject for m in mailoutbox) == sorted([f"Kreditnota {credit.number}", f"Faktura {new.number}"])
    assert AuditEvent.objects.filter(action="reissued", params__document_id=new.pk).exists()


def test_bil8_reissue_on_day_16_is_refused_with_reason_and_date(account_a, last_invoice, make_profile):
    make_profile(account_a, country="SK")
    with time_machine.travel(ISSUED + timedelta(days=16), tick=False):
        with pytest.raises(BillingError) as refused:
            billing_details_apply_to_last_invoice(account=account_a, actor="owner@alfa.dk")
    message = str(refused.value.message)
    assert last_invoice.number in message
    assert "16.03.2026" in message  # the last day it was possible
    assert "01.04.2026" in message  # the next invoice, where the new details first apply
    assert Document.objects.filter(kind="credit_note").count() == 0
    assert Invoice.objects.get(pk=last_invoice.pk).status == DocumentStatus.ISSUED
    # the refusal itself is on the account's record
    assert AuditEvent.objects.filter(action="reissue_refused", params__document_id=last_invoice.pk).exists()


def test_bil8_only_the_owner_may_change_billing_details(account_a, client_a, last_invoice):
    with tenant_context(account_a):
        User.objects.create_user("admin@alfa.dk", PASSWORD_FOR_TESTS, full_name="Ada Admin", role=Role.ADMIN)
        client_a.force_login(User.objects.get(email="admin@alfa.dk"))
    assert client_a.get("/min-konto/billing/details/").status_code == 403
    assert client_a.post("/min-konto/billing/details/reissue/").status_code == 403
    assert client_a.get("/min-konto/billing/").status_code == 200  # the list is for Admins too


def test_bil8_owner_reissues_from_min_konto(account_a, client_a, last_invoice):
    with tenant_context(account_a):
        client_a.force_login(User.objects.get(role=Role.OWNER))
    form = {
        "company": "Alfa Support ApS",
        "name": "Anne Alfa",
        "street": "Strandvejen 7",
        "postcode": "2900",
        "city": "Hellerup",
        "country": "DK",
        "email": "faktura@alfa.example",
        "vat_number": "",
    }
    with time_machine.travel(ISSUED + timedelta(days=3), tick=False):
        assert client_a.post("/min-konto/billing/details/", form).status_code == 302
        page = client_a.get("/min-konto/billing/details/")
        assert "Genudsted den seneste faktura" in page.content.decode()
        response = client_a.post("/min-konto/billing/details/reissue/", follow=True)
    assert "blev annulleret med kreditnota" in response.content.decode()
    new = Invoice.objects.filter(account=account_a, status=DocumentStatus.ISSUED).get()
    assert new.buyer["street"] == "Strandvejen 7"
