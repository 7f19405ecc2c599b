"""UBL 2.1 Invoice / CreditNote following Peppol BIS Billing 3.0 (BIL-14).

Serialises an `InvoiceModel` (einvoicing.semantic); nothing is computed here. Element order
follows the UBL 2.1 schemas. Peppol specifics: the CustomizationID and ProfileID below, one
document-level note, an electronic address with its scheme for both parties (Peppol participant
id, or the e-mail address under EAS "EM"), BT-10 buyer reference, one tax total with the VAT
breakdown and, when the document currency is not EUR and VAT is charged, a second tax total in
EUR (BT-111) with TaxCurrencyCode. For a Slovak business buyer the Slovak rules' fields (tax
point date, due date, seller IČO and VAT id, buyer VAT id, full addresses) are always filled in:
the portal refuses to issue such an invoice without them (billing.identifiers).
"""

from decimal import Decimal

from lxml import etree

from einvoicing.semantic import CREDIT_NOTE, InvoiceModel, Party, VatBreakdown

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"


def amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def number(value: Decimal) -> str:
    """A quantity or unit price without trailing zeros (never in exponent form)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def percent(value: Decimal) -> str:
    return number(value) if value else "0"


class _Builder:
    def __init__(self, root: etree._Element, currency: str) -> None:
        self.root, self.currency = root, currency

    def cbc(self, parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{CBC}}}{name}", {k: v for k, v in attrs.items() if v})
        if text is not None:
            element.text = text
        return element

    def cac(self, parent: etree._Element, name: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{CAC}}}{name}")

    def money(self, parent: etree._Element, name: str, value: Decimal, currency: str = "") -> etree._Element:
        return self.cbc(parent, name, amount(value), currencyID=currency or self.currency)


def _party(b: _Builder, parent: etree._Element, party: Party, *, seller: bool) -> None:
    element = b.cac(b.cac(parent, "AccountingSupplierParty" if seller else "AccountingCustomerParty"), "Party")
    b.cbc(element, "EndpointID", party.endpoint_id, schemeID=party.endpoint_scheme)
    address = b.cac(element, "PostalAddress")
    if party.street:
        b.cbc(address, "StreetName", party.street)
    if party.city:
        b.cbc(address, "CityName", party.city)
    if party.postcode:
        b.cbc(address, "PostalZone", party.postcode)
    b.cbc(b.cac(address, "Country"), "IdentificationCode", party.country)
    if party.vat_id:
        scheme = b.cac(element, "PartyTaxScheme")
        b.cbc(scheme, "CompanyID", party.vat_id)
        b.cbc(b.cac(scheme, "TaxScheme"), "ID", "VAT")
    if seller and party.tax_registration_id:
        scheme = b.cac(element, "PartyTaxScheme")
        b.cbc(scheme, "CompanyID", party.tax_registration_id)
        b.cbc(b.cac(scheme, "TaxScheme"), "ID", "TAX")
    legal = b.cac(element, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", party.name)
    if party.company_id:
        b.cbc(legal, "CompanyID", party.company_id, schemeID=party.company_id_scheme)
    if seller and party.register:
        b.cbc(legal, "CompanyLegalForm", party.register)
    if party.contact_name or party.email:
        contact = b.cac(element, "Contact")
        if party.contact_name:
            b.cbc(contact, "Name", party.contact_name)
        if party.email:
            b.cbc(contact, "ElectronicMail", party.email)


def _category(b: _Builder, parent: etree._Element, name: str, code: str, rate: Decimal) -> etree._Element:
    category = b.cac(parent, name)
    b.cbc(category, "ID", code)
    if code != "O":  # BR-O-05 / BR-O-14: "not subject to VAT" carries no rate
        b.cbc(category, "Percent", percent(rate))
    return category


def _tax_totals(b: _Builder, model: InvoiceModel) -> None:
    total = b.cac(b.root, "TaxTotal")
    b.money(total, "TaxAmount", model.vat_total)
    for row in model.breakdown:
        _subtotal(b, total, row)
    if model.tax_currency:
        b.money(b.cac(b.root, "TaxTotal"), "TaxAmount", model.vat_total_tax_currency, model.tax_currency)


def _subtotal(b: _Builder, total: etree._Element, row: VatBreakdown) -> None:
    subtotal = b.cac(total, "TaxSubtotal")
    b.money(subtotal, "TaxableAmount", row.taxable_amount)
    b.money(subtotal, "TaxAmount", row.tax_amount)
    category = _category(b, subtotal, "TaxCategory", row.category, row.rate)
    if row.exemption_code:
        b.cbc(category, "TaxExemptionReasonCode", row.exemption_code)
        b.cbc(category, "TaxExemptionReason", row.exemption_reason)
    b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")


def _payment(b: _Builder, model: InvoiceModel) -> None:
    payment = model.payment
    if payment is None:
        return
    means = b.cac(b.root, "PaymentMeans")
    b.cbc(means, "PaymentMeansCode", payment.means_code)
    if payment.reference:
        b.cbc(means, "PaymentID", payment.reference)
    if payment.card_last4:
        card = b.cac(means, "CardAccount")
        b.cbc(card, "PrimaryAccountNumberID", payment.card_last4)
        b.cbc(card, "NetworkID", payment.card_network or "card")
    if payment.iban:
        account = b.cac(means, "PayeeFinancialAccount")
        b.cbc(account, "ID", payment.iban)
        if payment.bank_name:
            b.cbc(account, "Name", payment.bank_name)
        if payment.bic:
            b.cbc(b.cac(account, "FinancialInstitutionBranch"), "ID", payment.bic)


def _monetary_total(b: _Builder, model: InvoiceModel) -> None:
    total = b.cac(b.root, "LegalMonetaryTotal")
    b.money(total, "LineExtensionAmount", model.line_total)
    b.money(total, "TaxExclusiveAmount", model.tax_exclusive)
    b.money(total, "TaxInclusiveAmount", model.tax_inclusive)
    if model.paid_amount:
        b.money(total, "PrepaidAmount", model.paid_amount)
    b.money(total, "PayableAmount", model.payable)


def _lines(b: _Builder, model: InvoiceModel, credit: bool) -> None:
    for line in model.lines:
        element = b.cac(b.root, "CreditNoteLine" if credit else "InvoiceLine")
        b.cbc(element, "ID", line.id)
        b.cbc(
            element,
            "CreditedQuantity" if credit else "InvoicedQuantity",
            number(line.quantity),
            unitCode=line.unit_code,
        )
        b.money(element, "LineExtensionAmount", line.net_amount)
        item = b.cac(element, "Item")
        b.cbc(item, "Name", line.name)
        category = _category(b, item, "ClassifiedTaxCategory", line.category, line.rate)
        b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")
        price = b.cac(element, "Price")
        b.money(price, "PriceAmount", line.unit_price).text = number(line.unit_price)


def _header(b: _Builder, model: InvoiceModel, credit: bool) -> None:
    root = b.root
    b.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    b.cbc(root, "ProfileID", PROFILE_ID)
    b.cbc(root, "ID", model.number)
    b.cbc(root, "IssueDate", model.issue_date.isoformat())
    if credit:
        if model.tax_point_date:
            b.cbc(root, "TaxPointDate", model.tax_point_date.isoformat())
        b.cbc(root, "CreditNoteTypeCode", model.type_code)
        if model.note:
            b.cbc(root, "Note", model.note)
    else:
        if model.due_date:
            b.cbc(root, "DueDate", model.due_date.isoformat())
        b.cbc(root, "InvoiceTypeCode", model.type_code)
        if model.note:
            b.cbc(root, "Note", model.note)
        if model.tax_point_date:
            b.cbc(root, "TaxPointDate", model.tax_point_date.isoformat())
    b.cbc(root, "DocumentCurrencyCode", model.currency)
    if model.tax_currency:
        b.cbc(root, "TaxCurrencyCode", model.tax_currency)
    b.cbc(root, "BuyerReference", model.buyer_reference)
    if model.period_start or model.period_end:
        period = b.cac(root, "InvoicePeriod")
        if model.period_start:
            b.cbc(period, "StartDate", model.period_start.isoformat())
        if model.period_end:
            b.cbc(period, "EndDate", model.period_end.isoformat())
    if model.preceding_number:
        reference = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(reference, "ID", model.preceding_number)
        if model.preceding_date:
            b.cbc(reference, "IssueDate", model.preceding_date.isoformat())


def ubl_xml(model: InvoiceModel) -> bytes:
    credit = model.type_code == CREDIT_NOTE
    namespace = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = etree.Element(
        f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}", nsmap={None: namespace, "cac": CAC, "cbc": CBC}
    )
    b = _Builder(root, model.currency)
    _header(b, model, credit)
    _party(b, root, model.seller, seller=True)
    _party(b, root, model.buyer, seller=False)
    _payment(b, model)
    if credit and model.preceding_number:
        b.cbc(b.cac(root, "PaymentTerms"), "Note", f"Credit of invoice {model.preceding_number}")
    _tax_totals(b, model)
    _monetary_total(b, model)
    _lines(b, model, credit)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
