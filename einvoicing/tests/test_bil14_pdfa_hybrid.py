"""BIL-14: the PDF the buyer gets is a PDF/A-3 with exactly one embedded factur-x.xml (Factur-X
XMP metadata, EN 16931 profile) that validates, and whose amounts are the PDF's printed ones.
The first page is kept as a PNG artifact."""

import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from lxml import etree
from pypdf import PdfReader

from einvoicing.models import EInvoice
from einvoicing.tests.bil14_helpers import (
    danish_business,
    issued_credit_note,
    issued_invoice,
    own_media,  # noqa: F401 - a fixture
    seller_ready,  # noqa: F401 - a fixture
    slovak_business,
)
from einvoicing.validation import validate_cii

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seller_ready", "own_media")]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"


def _pdf(document) -> bytes:  # type: ignore[no-untyped-def]
    with default_storage.open(document.pdf_file, "rb") as handle:
        return handle.read()


def _amount(tree, name: str) -> Decimal:  # type: ignore[no-untyped-def]
    values = tree.xpath(
        f"//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:{name}/text()", namespaces={"ram": RAM}
    )
    return Decimal(values[0])


def _printed(amount: Decimal) -> str:
    """An amount as the Danish PDF prints it: 1.234,50."""
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


@pytest.mark.parametrize("buyer", ["sk_business", "dk_business_reverse_charge"])
def test_bil14_delivered_pdf_is_pdfa3_with_one_valid_facturx_xml_matching_its_text(account_a, buyer):
    (slovak_business if buyer == "sk_business" else danish_business)(account_a)
    invoice = issued_invoice(account_a)
    for document in (invoice, issued_credit_note(invoice)):
        data = _pdf(document)
        reader = PdfReader(io.BytesIO(data))

        raw = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        assert re.search(r"pdfaid:part(>|=\")3", raw), raw[:500]
        assert re.search(r"pdfaid:conformance(>|=\")B", raw)
        assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in raw
        assert re.search(r"fx:ConformanceLevel(>|=\")EN 16931", raw)
        assert "/OutputIntents" in reader.trailer["/Root"]  # PDF/A's colour profile

        attachments = reader.attachments
        assert list(attachments) == ["factur-x.xml"] and len(attachments["factur-x.xml"]) == 1
        embedded = attachments["factur-x.xml"][0]
        einvoice = EInvoice.objects.get(document=document)
        assert embedded == einvoice.cii_xml.encode()  # the archived CII, byte for byte
        assert [f for f in validate_cii(embedded) if f.flag == "fatal"] == []

        tree = etree.fromstring(embedded)
        assert tree.xpath("//rsm:ExchangedDocument/ram:ID/text()", namespaces={"rsm": RSM, "ram": RAM}) == [
            document.number
        ]
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        sign = -1 if document.kind == "credit_note" else 1
        for name, total in (
            ("TaxBasisTotalAmount", document.net_total),
            ("GrandTotalAmount", document.gross_total),
            ("DuePayableAmount", None),
        ):
            value = _amount(tree, name)
            if total is not None:
                assert sign * value == total, name
            # The CII states a credit note's amounts positive; the PDF prints them negative.
            assert _printed(sign * value) in text or _printed(value) in text, (name, value)
        line_total = _amount(tree, "LineTotalAmount")
        assert _printed(sign * line_total) in text


def test_bil14_hybrid_pdf_page_is_kept_as_png(account_a):
    slovak_business(account_a)
    invoice = issued_invoice(account_a)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "einvoice-hybrid-sk-da"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", default_storage.path(invoice.pdf_file), str(target)], check=True
    )
    assert target.with_suffix(".png").stat().st_size > 10_000
