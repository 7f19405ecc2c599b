"""BIL-14: every invoice and credit note as EN 16931 data — Peppol BIS 3.0 UBL and Factur-X CII that
pass the UBL 2.1 / Factur-X XSD and the CEN EN 16931 rules, carry the Peppol requirements, and say
exactly what the document says."""

from decimal import Decimal

import pytest
import time_machine
from lxml import etree

from billing.models import Document
from billing.services.documents import invoice_issue
from billing.services.profiles import billing_profile_update
from billing.services.status import document_mark_paid
from einvoicing.cii import GUIDELINE_ID, cii_xml
from einvoicing.semantic import semantic_model
from einvoicing.tests.bil14_documents import BUYER_KINDS, ISSUED, KINDS, issue_pair, lines, reference_data
from einvoicing.ubl import CUSTOMIZATION_ID, PROFILE_ID, ubl_xml
from einvoicing.validation import fatal, validate_cii, validate_ubl

pytestmark = pytest.mark.django_db

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
}
# Peppol BIS 3.0 code lists, the part this portal may produce.
EAS_CODES = {"0184", "0192", "0245", "EM"}
VAT_CATEGORIES = {"S", "AE", "O", "E"}
UNIT_CODES = {"C62", "MON", "H87"}
VATEX = {"AE": "VATEX-EU-AE", "O": "VATEX-EU-O", "E": "VATEX-EU-132"}


def money(value: Decimal, sign: int) -> str:
    return f"{(sign * value + 0).quantize(Decimal('0.01')):f}"


def texts(root: etree._Element, path: str) -> list[str]:
    return [node.text for node in root.xpath(path, namespaces=NS)]


def assert_peppol(root: etree._Element, document: Document) -> None:
    """The Peppol BIS 3.0 requirements no offline schematron checks for us."""
    assert texts(root, "cbc:CustomizationID") == [CUSTOMIZATION_ID]
    assert texts(root, "cbc:ProfileID") == [PROFILE_ID]
    for party in ("AccountingSupplierParty", "AccountingCustomerParty"):
        endpoint = root.xpath(f"cac:{party}/cac:Party/cbc:EndpointID", namespaces=NS)
        assert len(endpoint) == 1 and endpoint[0].text and endpoint[0].get("schemeID") in EAS_CODES
    assert texts(root, "cbc:BuyerReference")[0]
    assert len(root.xpath("cbc:Note", namespaces=NS)) <= 1  # PEPPOL-EN16931-R002
    categories = set(texts(root, "//cac:TaxCategory/cbc:ID") + texts(root, "//cac:ClassifiedTaxCategory/cbc:ID"))
    assert categories and categories <= VAT_CATEGORIES
    assert {
        q.get("unitCode") for q in root.xpath("//cbc:InvoicedQuantity | //cbc:CreditedQuantity", namespaces=NS)
    } <= (UNIT_CODES)
    for category in root.xpath("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", namespaces=NS):
        code = category.findtext("cbc:ID", namespaces=NS)
        reason = category.findtext("cbc:TaxExemptionReasonCode", namespaces=NS)
        assert reason == VATEX.get(code), (code, reason)
    assert root.xpath("//*[not(node()) and not(@*)]") == []  # PEPPOL-EN16931-R008: no empty element
    if document.kind == "credit_note":
        assert texts(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == [
            document.credited_invoice.number
        ]
        assert texts(root, "cbc:CreditNoteTypeCode") == ["381"]
    else:
        assert texts(root, "cbc:InvoiceTypeCode") == ["380"]


def assert_ubl_amounts(root: etree._Element, document: Document) -> None:
    sign = -1 if document.kind == "credit_note" else 1
    currency = document.currency
    total = "cac:LegalMonetaryTotal/cbc:"
    assert texts(root, total + "LineExtensionAmount") == [money(document.net_total, sign)]
    assert texts(root, total + "TaxExclusiveAmount") == [money(document.net_total, sign)]
    assert texts(root, total + "TaxInclusiveAmount") == [money(document.gross_total, sign)]
    assert texts(root, f"cac:TaxTotal/cbc:TaxAmount[@currencyID='{currency}']") == [money(document.vat_total, sign)]
    assert texts(root, "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount") == [money(document.net_total, sign)]
    assert texts(root, "cbc:DocumentCurrencyCode") == [currency]
    lines = list(document.lines.order_by("position"))
    line_amounts = texts(root, "cac:InvoiceLine/cbc:LineExtensionAmount | cac:CreditNoteLine/cbc:LineExtensionAmount")
    assert line_amounts == [money(line.net_amount, sign) for line in lines]
    prices = [Decimal(p) for p in texts(root, "//cac:Price/cbc:PriceAmount")]
    assert prices == [sign * line.unit_price for line in lines]
    if document.vat_total_eur is not None:  # BIL-16 / BT-111: the VAT in EUR, as on the PDF
        assert texts(root, "cbc:TaxCurrencyCode") == ["EUR"]
        assert texts(root, "cac:TaxTotal/cbc:TaxAmount[@currencyID='EUR']") == [money(document.vat_total_eur, sign)]
    else:
        assert texts(root, "cbc:TaxCurrencyCode") == []


def assert_cii_amounts(root: etree._Element, document: Document) -> None:
    sign = -1 if document.kind == "credit_note" else 1
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert texts(root, summation + "LineTotalAmount") == [money(document.net_total, sign)]
    assert texts(root, summation + "TaxBasisTotalAmount") == [money(document.net_total, sign)]
    assert texts(root, summation + f"TaxTotalAmount[@currencyID='{document.currency}']") == [
        money(document.vat_total, sign)
    ]
    assert texts(root, summation + "GrandTotalAmount") == [money(document.gross_total, sign)]
    assert texts(root, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount") == [
        money(line.net_amount, sign) for line in document.lines.order_by("position")
    ]
    assert texts(root, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext//ram:ID") == [GUIDELINE_ID]
    if document.vat_total_eur is not None:
        assert texts(root, summation + "TaxTotalAmount[@currencyID='EUR']") == [money(document.vat_total_eur, sign)]


@pytest.mark.parametrize("kind", BUYER_KINDS, ids=lambda kind: kind.key)
def test_bil14_invoice_and_credit_note_pass_en16931_and_peppol_with_the_documents_amounts(account_a, kind):
    for document in issue_pair(account_a, kind):
        model = semantic_model(document)
        ubl, cii = ubl_xml(model), cii_xml(model)
        assert fatal(validate_ubl(ubl)) == [], (document.kind, fatal(validate_ubl(ubl)))
        assert fatal(validate_cii(cii)) == [], (document.kind, fatal(validate_cii(cii)))
        ubl_root, cii_root = etree.fromstring(ubl), etree.fromstring(cii)
        assert_peppol(ubl_root, document)
        assert_ubl_amounts(ubl_root, document)
        assert_cii_amounts(cii_root, document)


def test_bil14_slovak_business_invoice_carries_the_slovak_fields(account_a):
    invoice, _credit = issue_pair(account_a, KINDS["sk_company"])
    root = etree.fromstring(ubl_xml(semantic_model(invoice)))
    seller = "cac:AccountingSupplierParty/cac:Party/"
    buyer = "cac:AccountingCustomerParty/cac:Party/"
    assert texts(root, "cbc:TaxPointDate") == ["2026-11-16"]  # BT-7
    assert texts(root, "cbc:DueDate") == [invoice.due_date.isoformat()]  # BT-9
    assert texts(root, seller + "cac:PartyLegalEntity/cbc:CompanyID")[0]  # BT-30
    assert texts(root, seller + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID") == ["SK2024123464"]
    assert texts(root, buyer + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID") == ["SK2020273893"]
    assert texts(root, buyer + "cac:PartyLegalEntity/cbc:CompanyID") == ["35757442"]
    for party in (seller, buyer):
        for part in ("StreetName", "CityName", "PostalZone"):
            assert texts(root, f"{party}cac:PostalAddress/cbc:{part}")[0]
    assert texts(root, buyer + "cbc:EndpointID") == ["2020273893"]  # the DIČ under scheme 0245
    assert root.xpath(buyer + "cbc:EndpointID/@schemeID", namespaces=NS) == ["0245"]
    assert texts(root, seller + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='TAX']/cbc:CompanyID") == ["2024123464"]
    assert texts(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") == ["23"]


def test_bil14_danish_company_is_addressed_by_cvr_under_reverse_charge(account_a):
    invoice, _credit = issue_pair(account_a, KINDS["dk_company_reverse_charge"])
    root = etree.fromstring(ubl_xml(semantic_model(invoice)))
    endpoint = root.xpath("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", namespaces=NS)[0]
    assert (endpoint.get("schemeID"), endpoint.text) == ("0184", "31415926")
    category = "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/"
    assert texts(root, category + "cbc:ID") == ["AE"]
    assert texts(root, category + "cbc:TaxExemptionReason") == ["Reverse charge"]


def test_bil14_norwegian_company_is_outside_scope_and_addressed_by_org_number(account_a):
    invoice, _credit = issue_pair(account_a, KINDS["no_company"])
    root = etree.fromstring(ubl_xml(semantic_model(invoice)))
    endpoint = root.xpath("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", namespaces=NS)[0]
    assert (endpoint.get("schemeID"), endpoint.text) == ("0192", "974760673")
    assert texts(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["O"]
    # BR-O-02: no VAT identifiers on a document outside the scope of VAT
    assert root.xpath("//cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']", namespaces=NS) == []


def test_bil14_consumer_is_addressed_by_e_mail(account_a):
    invoice, _credit = issue_pair(account_a, KINDS["de_consumer"])
    root = etree.fromstring(ubl_xml(semantic_model(invoice)))
    endpoint = root.xpath("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", namespaces=NS)[0]
    assert (endpoint.get("schemeID"), endpoint.text) == ("EM", "bill@buyer.example")


def _line_total_changed(xml: bytes, path: str) -> bytes:
    root = etree.fromstring(xml)
    node = root.xpath(path, namespaces=NS)[0]
    node.text = f"{Decimal(node.text) + Decimal('1.00'):f}"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_bil14_a_changed_line_total_fails_with_br_co_10(account_a):
    invoice, _credit = issue_pair(account_a, KINDS["dk_consumer"])
    model = semantic_model(invoice)
    broken_ubl = _line_total_changed(ubl_xml(model), "cac:InvoiceLine[1]/cbc:LineExtensionAmount")
    broken_cii = _line_total_changed(cii_xml(model), "//ram:IncludedSupplyChainTradeLineItem[1]//ram:LineTotalAmount")
    assert "BR-CO-10" in {finding.rule_id for finding in fatal(validate_ubl(broken_ubl))}
    assert "BR-CO-10" in {finding.rule_id for finding in fatal(validate_cii(broken_cii))}


def test_bil14_a_changed_grand_total_fails_with_br_co_15_and_bad_xml_fails_the_schema(account_a):
    invoice, _credit = issue_pair(account_a, KINDS["de_consumer"])
    broken = _line_total_changed(ubl_xml(semantic_model(invoice)), "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")
    assert "BR-CO-15" in {finding.rule_id for finding in fatal(validate_ubl(broken))}
    not_ubl = (
        ubl_xml(semantic_model(invoice))
        .replace(b"<cbc:IssueDate>", b"<cbc:IssueDay>")
        .replace(b"</cbc:IssueDate>", b"</cbc:IssueDay>")
    )
    assert {finding.rule_id for finding in fatal(validate_ubl(not_ubl))} >= {"XSD"}


def test_bil14_paid_invoice_says_how_it_was_paid_and_owes_nothing_unpaid_says_where_to_pay(account_a):
    reference_data()
    billing_profile_update(account=account_a, actor="test", data=KINDS["de_consumer"].data)
    with time_machine.travel(ISSUED, tick=False):
        unpaid = invoice_issue(account=account_a, lines=lines(), notify=False, render_pdf=False)
        paid = invoice_issue(account=account_a, lines=lines(), notify=False, render_pdf=False)
        document_mark_paid(document=paid, actor="test", payment={"method": "card", "brand": "Visa", "last4": "4242"})
    for document in (unpaid, paid):
        document = Document.objects.get(pk=document.pk)
        ubl = ubl_xml(semantic_model(document))
        assert fatal(validate_ubl(ubl)) == []
        cii = cii_xml(semantic_model(document))
        assert fatal(validate_cii(cii)) == []
    root = etree.fromstring(ubl_xml(semantic_model(Document.objects.get(pk=paid.pk))))
    assert texts(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == ["48"]
    assert texts(root, "cac:PaymentMeans/cac:CardAccount/cbc:PrimaryAccountNumberID") == ["4242"]
    assert texts(root, "cac:LegalMonetaryTotal/cbc:PrepaidAmount") == [money(paid.gross_total, 1)]
    assert texts(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == ["0.00"]
    root = etree.fromstring(ubl_xml(semantic_model(Document.objects.get(pk=unpaid.pk))))
    assert texts(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == ["58"]
    assert texts(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == ["SK3111000000002945123456"]
    assert texts(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == [money(unpaid.gross_total, 1)]


@pytest.mark.parametrize(
    "key,registration,rate", [("uk_consumer", "GB980780684", "20"), ("no_consumer_voec", "VOEC 2012345", "25")]
)
def test_bil14_foreign_vat_is_standard_rated_under_the_sellers_registration_there(account_a, key, registration, rate):
    invoice, credit = issue_pair(account_a, KINDS[key])
    for document in (invoice, credit):
        root = etree.fromstring(ubl_xml(semantic_model(document)))
        assert texts(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["S"]
        assert texts(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") == [rate]
        seller = "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"
        assert texts(root, f"{seller}[cac:TaxScheme/cbc:ID='TAX']/cbc:CompanyID") == [registration]  # BT-32
        assert texts(root, f"{seller}[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID") == ["SK2024123464"]
        assert texts(root, "cbc:TaxCurrencyCode") == ["EUR"]  # VAT charged in GBP / NOK: also in EUR
