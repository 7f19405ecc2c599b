"""Shared by the BIL-14 delivery, hybrid PDF and archive tests: buyers with the identifiers the
formats need, and an issued document taken through what the worker does after the commit."""

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Account
from billing.models import Document
from billing.pdf import document_pdf_store
from billing.reference import demo_seller_ensure, vat_rates_load
from billing.services.corrections import credit_note_issue
from billing.services.documents import invoice_issue
from billing.services.profiles import billing_profile_update
from billing.tests.conftest import seats
from billing.vies import OfflineViesAdapter

AT = timezone.make_aware(datetime(2026, 3, 2, 10, 0))
SK_VAT, SK_ICO, SK_DIC = "SK2020000004", "35792469", "2020000004"
SK_PARTICIPANT = f"0245:{SK_DIC}"
DK_VAT, DK_CVR = "DK31415926", "31415926"
DK_PARTICIPANT = f"0184:{DK_CVR}"


@pytest.fixture
def own_media(settings, tmp_path):  # type: ignore[no-untyped-def]
    """PDFs under this test's own directory: another test run numbering FA-000001 too cannot
    overwrite the file this test reads."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seller_ready(accounts_ready):  # type: ignore[no-untyped-def]
    vat_rates_load()  # a transactional test's flush empties the rates the migration loaded
    return demo_seller_ensure()


def slovak_business(account: Account) -> None:
    billing_profile_update(
        account=account,
        actor="test",
        data={
            "company": "Alfa Podpora s.r.o.",
            "name": "Anna Alfová",
            "street": "Obchodná 12",
            "postcode": "811 06",
            "city": "Bratislava",
            "country": "SK",
            "email": "faktury@alfa.example",
            "vat_number": SK_VAT,
            "company_id": SK_ICO,
            "tax_number": SK_DIC,
        },
        vies=OfflineViesAdapter(valid={SK_VAT}),
    )


def danish_business(account: Account) -> None:
    billing_profile_update(
        account=account,
        actor="test",
        data={
            "company": "Alfa Support ApS",
            "name": "Anne Alfa",
            "street": "Havnegade 1",
            "postcode": "1058",
            "city": "København K",
            "country": "DK",
            "email": "billing@alfa.example",
            "vat_number": DK_VAT,
            "company_id": DK_CVR,
            "peppol_scheme": "0184",
            "peppol_id": DK_CVR,
        },
        vies=OfflineViesAdapter(valid={DK_VAT}),
    )


def issued_invoice(account: Account) -> Document:
    """An invoice issued and its PDF stored, as the worker does after the commit (the hook builds,
    validates and embeds the e-invoice)."""
    with time_machine.travel(AT, tick=False):
        invoice = invoice_issue(account=account, lines=seats(), notify=False, render_pdf=False)
    return document_pdf_store(document_id=invoice.pk)


def issued_credit_note(invoice: Document) -> Document:
    with time_machine.travel(AT, tick=False):
        note = credit_note_issue(invoice=invoice, reason="Wrong seat count", notify=False, render_pdf=False)
    return document_pdf_store(document_id=note.pk)
