"""Staff: documents by account, status and period in the admin; the accountant's CSV; the API
(read, PDF download, billing profile through the same VAT checks)."""

import csv
import hashlib
import io
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token

from billing.models import BillingProfile, SellerProfile
from billing.pdf import document_pdf_store
from billing.services.corrections import credit_note_issue
from billing.services.documents import invoice_issue
from billing.tests.conftest import seats

pytestmark = pytest.mark.django_db
MARCH = timezone.make_aware(datetime(2026, 3, 10, 12))
APRIL = timezone.make_aware(datetime(2026, 4, 10, 12))


@pytest.fixture
def documents(account_a, make_profile):  # type: ignore[no-untyped-def]
    make_profile(account_a, country="DK")
    with time_machine.travel(MARCH, tick=False):
        march = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
        note = credit_note_issue(invoice=march, reason="Duplicate", notify=False, render_pdf=False)
    with time_machine.travel(APRIL, tick=False):
        april = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
    return march, note, april


def test_bil11_period_export_csv_for_the_accountant(documents, staff_user, public_client):
    march, note, april = documents
    public_client.force_login(staff_user)
    response = public_client.get("/admin/billing/invoice/export/", {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["number"] for row in rows] == [march.number]
    assert rows[0]["gross"] == "146.25" and rows[0]["currency"] == "EUR" and rows[0]["vat_rate"] == "25.00"
    notes = public_client.get("/admin/billing/creditnote/export/", {"start": "2026-03-01", "end": "2026-03-31"})
    row = next(csv.DictReader(io.StringIO(notes.content.decode())))
    assert (row["number"], row["credited_invoice"], row["gross"]) == (note.number, march.number, "-146.25")


def test_bil11_admin_lists_documents_by_status_and_account(documents, staff_user, public_client, account_a):
    public_client.force_login(staff_user)
    page = public_client.get("/admin/billing/invoice/", {"status__exact": "void", "account__id__exact": account_a.pk})
    assert page.status_code == 200
    content = page.content.decode()
    assert documents[0].number in content and documents[2].number not in content


def test_bil11_api_reads_documents_and_serves_the_stored_pdf(documents, staff_user, public_client):
    march, note, april = documents
    stored = document_pdf_store(document_id=march.pk)
    token = Token.objects.create(user=staff_user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    listing = public_client.get("/api/v1/invoices/", **auth).json()
    assert [d["number"] for d in listing["results"]] == [march.number, april.number]
    assert listing["results"][0]["net_total"] == "117.00" and listing["results"][0]["currency"] == "EUR"
    notes = public_client.get("/api/v1/credit-notes/", **auth).json()
    assert notes["results"][0]["credited_invoice"] == march.number
    pdf = public_client.get(f"/api/v1/invoices/{march.pk}/pdf/", **auth)
    assert pdf.status_code == 200 and hashlib.sha256(pdf.content).hexdigest() == stored.pdf_sha256
    assert public_client.get(f"/api/v1/invoices/{april.pk}/pdf/", **auth).status_code == 404  # not rendered yet


def test_bil9_api_billing_profile_update_checks_the_vat_number(documents, staff_user, public_client, account_a):
    token = Token.objects.create(user=staff_user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    profile = BillingProfile.objects.get(account=account_a)
    url = f"/api/v1/billing-profiles/{profile.pk}/"
    refused = public_client.patch(url, {"vat_number": "DK12345678"}, content_type="application/json", **auth)
    assert refused.status_code == 400 and "vat_number" in refused.json()
    assert BillingProfile.objects.get(pk=profile.pk).vat_number == ""
    accepted = public_client.patch(url, {"city": "Odense C"}, content_type="application/json", **auth)
    assert accepted.status_code == 200 and accepted.json()["city"] == "Odense C"


def test_bil11_staff_credit_an_invoice_in_the_admin(documents, staff_user, public_client):
    march, note, april = documents
    public_client.force_login(staff_user)
    url = f"/admin/billing/invoice/{april.pk}/credit/"
    too_much = public_client.post(url, {"amount": "200.00", "reason": "Goodwill"})
    assert too_much.status_code == 200 and "er større end restbeløbet" in too_much.content.decode()
    shown = public_client.post(url, {"amount": "17.00", "reason": "Goodwill"})  # the amounts, to confirm
    assert shown.status_code == 200 and not april.credit_notes.exists()
    done = public_client.post(url, {"amount": "17.00", "reason": "Goodwill", "confirmed": "yes"})
    assert done.status_code == 302
    credit = april.credit_notes.get()
    assert (credit.net_total, credit.reason) == (Decimal("-17.00"), "Goodwill")


def test_bil11_seller_profile_edits_become_new_versions(seller, staff_user, public_client):
    public_client.force_login(staff_user)
    data = {
        field.name: getattr(seller, field.name)
        for field in SellerProfile._meta.fields
        if field.name not in ("id", "created_by", "valid_from")
    }
    data.update(
        {
            "legal_name": "Kvalita Desk s.r.o.",
            "street": "Mlynské nivy 5",
            "valid_from_0": "2026-05-01",
            "valid_from_1": "00:00:00",
        }
    )
    response = public_client.post(f"/admin/billing/sellerprofile/{seller.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SellerProfile.objects.get(pk=seller.pk).street == "Dunajská 48"  # the old version is untouched
    assert SellerProfile.objects.order_by("-valid_from").first().street == "Mlynské nivy 5"
