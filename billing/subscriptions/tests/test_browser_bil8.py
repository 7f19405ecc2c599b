"""A person in a browser (BIL-8, BIL-17): the Owner of a card-paid subscription moves the billing
details to another company and has the last invoice re-issued in Min konto. The list then shows
the credit note and the new invoice, paid with the same card; the credit note's PDF still names the
company the invoice was made out to. Screenshots in da and nb at 390 and 1280 px and the PDFs'
pages are kept under var/test-artifacts/bil8/."""

import io
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from billing.models import Document, DocumentStatus, Invoice
from billing.pdf import document_pdf_store
from billing.subscriptions.models import Charge
from billing.subscriptions.tests.conftest import subscribe
from config.clock import now, seller_date
from conftest import PASSWORD
from tests.browser import chromium, host_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[3] / "var" / "test-artifacts" / "bil8"
NEW_COMPANY = "Nordlys Holding AS"
TEXT = {
    "da": {
        "company": "Virksomhed",
        "name": "Kontaktperson",
        "email": "E-mail til fakturaer",
        "save": "Gem",
        "reissue": "Genudsted den seneste faktura",
        "done": "blev annulleret med kreditnota",
        "paid": "Betalt {day} med Visa •••• 4242",
        "void": "Annulleret – krediteret af {number}",
    },
    "nb": {
        "company": "Virksomhet",
        "name": "Kontaktperson",
        "email": "E-post for fakturaer",
        "save": "Lagre",
        "reissue": "Utsted den siste fakturaen på nytt",
        "done": "ble annullert med kreditnota",
        "paid": "Betalt {day} med Visa •••• 4242",
        "void": "Annullert – kreditert av {number}",
    },
}


def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """The page at 1280 and at 390 px wide (a phone), full length."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def pdf_text_and_png(document: Document, name: str) -> str:
    stored = document_pdf_store(document_id=document.pk)
    path = default_storage.path(stored.pdf_file)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", path, str(ARTIFACTS / name)], check=True)
    with default_storage.open(stored.pdf_file, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


@pytest.mark.parametrize("language", ["da", "nb"])
def test_bil8_bil17_owner_reissues_a_paid_invoice_in_the_browser(live_server, accounts_ready, plans, language) -> None:
    account = accounts_ready[0] if language == "da" else accounts_ready[1]
    owner = "owner@alfa.dk" if language == "da" else "owner@bravo.no"
    text = TEXT[language]
    subscribe(account, plans["team"])
    old = Invoice.objects.get(pk=Charge.objects.get(account=account).invoice_id)
    document_pdf_store(document_id=old.pk)
    paid = text["paid"].format(day=seller_date(now()).strftime("%d.%m.%Y"))
    host = f"{account.slug}.localhost"
    with chromium() as browser:
        page = browser.new_page(locale=language, viewport={"width": 1280, "height": 900})
        page.goto(host_url(live_server.url, host, "/min-konto/login/"))
        page.locator("input[name=username]").fill(owner)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/min-konto/")
        page.goto(host_url(live_server.url, host, "/min-konto/billing/"))
        assert page.get_by_text(paid).first.is_visible()
        shoot(page, f"billing-before-{language}")

        # the Owner moves the invoices to another company, contact and invoice address
        page.goto(host_url(live_server.url, host, "/min-konto/billing/details/"))
        page.get_by_label(text["company"], exact=True).fill(NEW_COMPANY)
        page.get_by_label(text["name"], exact=True).fill("Karen Privat")
        page.get_by_label(text["email"], exact=True).fill("karen@privat.example")
        page.get_by_role("button", name=text["save"], exact=True).click()
        shoot(page, f"billing-details-{language}")
        page.get_by_role("button", name=text["reissue"]).click()
        page.wait_for_url("**/min-konto/billing/")
        assert text["done"] in page.locator(".messages").inner_text()

        credit = Document.objects.get(account=account, kind="credit_note")
        new = Invoice.objects.get(account=account, status=DocumentStatus.PAID)
        # the PDFs are made by the worker after the commit; here, as the worker would
        credit_text = pdf_text_and_png(credit, f"credit-note-{language}")
        new_text = pdf_text_and_png(new, f"invoice-reissued-{language}")
        page.reload()
        history = page.locator("#billing-history").inner_text()
        # the new invoice is paid with the same card; the old one is cancelled by the credit note
        assert new.number in history and old.number in history and credit.number in history
        assert history.count(paid) >= 2  # the new invoice and the card payment
        assert text["void"].format(number=credit.number) in history
        shoot(page, f"billing-after-reissue-{language}")

    # the credit note names the company the invoice was made out to; the new invoice the new one
    assert account.name in credit_text and NEW_COMPANY not in credit_text and "Karen Privat" not in credit_text
    assert (
        NEW_COMPANY in new_text
        and "Karen Privat" in new_text
        and "Betalt med Visa •••• 4242" in new_text
        and "IBAN" not in new_text
    )
