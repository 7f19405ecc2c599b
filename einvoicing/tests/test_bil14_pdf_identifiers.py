"""BIL-14: the PDF prints the identifiers its e-invoice carries, from the document's snapshots —
the seller's IČO, DIČ and IČ DPH, the buyer's company number, DIČ, VAT number and Peppol id —
labelled in the document's language (the country's own name of each number in brackets). The
first page of each is kept as a PNG artifact."""

import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from accounts.models import Account
from billing.models import SellerProfile
from billing.tests.test_bil8_language import pdf_text
from einvoicing.tests.bil14_helpers import (
    SK_DIC,
    SK_ICO,
    SK_PARTICIPANT,
    SK_VAT,
    issued_invoice,
    own_media,  # noqa: F401 - a fixture
    seller_ready,  # noqa: F401 - a fixture
    slovak_business,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seller_ready", "own_media")]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"
SELLER_DIC = "2024123464"
LABELS = {
    "da": {"company": "Virksomhedsnummer", "tax": "Skattenummer", "vat": "Momsnummer", "peppol": "Peppol-ID"},
    "nb": {"company": "Organisasjonsnummer", "tax": "Skattenummer", "vat": "MVA-nummer", "peppol": "Peppol-ID"},
}


@pytest.mark.parametrize("language", ["da", "nb"])
def test_bil14_pdf_prints_both_parties_identifiers_in_the_documents_language(accounts_ready, language):
    # given a seller with IČO, DIČ and IČ DPH, and a Slovak company buyer whose account reads da or nb
    SellerProfile.objects.update(tax_number=SELLER_DIC)
    account = accounts_ready[0] if language == "da" else accounts_ready[1]
    assert Account.objects.get(pk=account.pk).language == language
    slovak_business(account)
    # when an invoice is issued and its PDF rendered
    invoice = issued_invoice(account)
    text = " ".join(pdf_text(invoice).split())
    # then the seller's and the buyer's identifiers are printed with labels in that language
    label = LABELS[language]
    for printed in (
        f"{label['company']} (IČO): 57 204 110",
        f"{label['tax']} (DIČ): {SELLER_DIC}",
        f"{label['vat']} (IČ DPH): SK2024123464",
        f"{label['company']} (IČO): {SK_ICO}",
        f"{label['tax']} (DIČ): {SK_DIC}",
        f"{label['vat']} (IČ DPH): {SK_VAT}",
        f"{label['peppol']}: {SK_PARTICIPANT}",
    ):
        assert printed in text, (printed, text)
    assert "Company ID" not in text and "Tax number" not in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-singlefile",
            default_storage.path(invoice.pdf_file),
            str(ARTIFACTS / f"identifiers-sk-buyer-{language}"),
        ],
        check=True,
    )
