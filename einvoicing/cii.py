"""UN/CEFACT CII D16B for Factur-X, EN 16931 profile (BIL-14).

Serialises the same `InvoiceModel` as einvoicing.ubl (nothing is computed here), so the XML
embedded in the PDF/A-3 says what the UBL and the PDF say. Element order follows the Factur-X
EN 16931 schema.
"""

from datetime import date

from lxml import etree

from einvoicing.semantic import CREDIT_NOTE, InvoiceModel, Party
from einvoicing.ubl import amount, number, percent

GUIDELINE_ID = "urn:cen.eu:en16931:2017"
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"


def _el(parent: etree._Element, name: str, text: str | None = None, ns: str = RAM, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{name}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def _date(parent: etree._Element, name: str, day: date, ns: str = UDT, tag: str = "DateTimeString") -> None:
    _el(_el(parent, name), tag, day.strftime("%Y%m%d"), ns=ns, format="102")


def _party(parent: etree._Element, name: str, party: Party, *, seller: bool) -> None:
    element = _el(parent, name)
    _el(element, "Name", party.name)
    if party.company_id or (seller and party.register):
        legal = _el(element, "SpecifiedLegalOrganization")
        if party.company_id:
            _el(legal, "ID", party.company_id, schemeID=party.company_id_scheme)
    if party.contact_name or party.email:
        contact = _el(element, "DefinedTradeContact")
        if party.contact_name:
            _el(contact, "PersonName", party.contact_name)
        if party.email:
            _el(_el(contact, "EmailURIUniversalCommunication"), "URIID", party.email)
    address = _el(element, "PostalTradeAddress")
    if party.postcode:
        _el(address, "PostcodeCode", party.postcode)
    if party.street:
        _el(address, "LineOne", party.street)
    if party.city:
        _el(address, "CityName", party.city)
    _el(address, "CountryID", party.country)
    _el(_el(element, "URIUniversalCommunication"), "URIID", party.endpoint_id, schemeID=party.endpoint_scheme)
    if party.vat_id:
        _el(_el(element, "SpecifiedTaxRegistration"), "ID", party.vat_id, schemeID="VA")
    if seller and party.tax_registration_id:
        _el(_el(element, "SpecifiedTaxRegistration"), "ID", party.tax_registration_id, schemeID="FC")


def _lines(transaction: etree._Element, model: InvoiceModel) -> None:
    for line in model.lines:
        item = _el(transaction, "IncludedSupplyChainTradeLineItem")
        _el(_el(item, "AssociatedDocumentLineDocument"), "LineID", line.id)
        _el(_el(item, "SpecifiedTradeProduct"), "Name", line.name)
        price = _el(_el(item, "SpecifiedLineTradeAgreement"), "NetPriceProductTradePrice")
        _el(price, "ChargeAmount", number(line.unit_price))
        _el(_el(item, "SpecifiedLineTradeDelivery"), "BilledQuantity", number(line.quantity), unitCode=line.unit_code)
        settlement = _el(item, "SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ApplicableTradeTax")
        _el(tax, "TypeCode", "VAT")
        _el(tax, "CategoryCode", line.category)
        if line.category != "O":
            _el(tax, "RateApplicablePercent", percent(line.rate))
        _el(
            _el(settlement, "SpecifiedTradeSettlementLineMonetarySummation"), "LineTotalAmount", amount(line.net_amount)
        )


def _payment_means(settlement: etree._Element, model: InvoiceModel) -> None:
    payment = model.payment
    if payment is None:
        return
    means = _el(settlement, "SpecifiedTradeSettlementPaymentMeans")
    _el(means, "TypeCode", payment.means_code)
    if payment.card_last4:
        _el(_el(means, "ApplicableTradeSettlementFinancialCard"), "ID", payment.card_last4)
    if payment.iban:
        account = _el(means, "PayeePartyCreditorFinancialAccount")
        _el(account, "IBANID", payment.iban)
        if payment.bic:
            _el(_el(means, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID", payment.bic)


def _taxes(settlement: etree._Element, model: InvoiceModel) -> None:
    for index, row in enumerate(model.breakdown):
        tax = _el(settlement, "ApplicableTradeTax")
        _el(tax, "CalculatedAmount", amount(row.tax_amount))
        _el(tax, "TypeCode", "VAT")
        if row.exemption_reason:
            _el(tax, "ExemptionReason", row.exemption_reason)
        _el(tax, "BasisAmount", amount(row.taxable_amount))
        _el(tax, "CategoryCode", row.category)
        if row.exemption_code:
            _el(tax, "ExemptionReasonCode", row.exemption_code)
        if model.tax_point_date and index == 0:
            _date(tax, "TaxPointDate", model.tax_point_date, tag="DateString")
        if row.category != "O":
            _el(tax, "RateApplicablePercent", percent(row.rate))


def _settlement(transaction: etree._Element, model: InvoiceModel) -> None:
    settlement = _el(transaction, "ApplicableHeaderTradeSettlement")
    if model.payment is not None and model.payment.reference:
        _el(settlement, "PaymentReference", model.payment.reference)
    if model.tax_currency:
        _el(settlement, "TaxCurrencyCode", model.tax_currency)
    _el(settlement, "InvoiceCurrencyCode", model.currency)
    _payment_means(settlement, model)
    _taxes(settlement, model)
    if model.period_start or model.period_end:
        period = _el(settlement, "BillingSpecifiedPeriod")
        if model.period_start:
            _date(period, "StartDateTime", model.period_start)
        if model.period_end:
            _date(period, "EndDateTime", model.period_end)
    if model.due_date or model.preceding_number:
        terms = _el(settlement, "SpecifiedTradePaymentTerms")
        if model.type_code == CREDIT_NOTE and model.preceding_number:
            _el(terms, "Description", f"Credit of invoice {model.preceding_number}")
        if model.due_date:
            _date(terms, "DueDateDateTime", model.due_date)
    _summation(settlement, model)
    if model.preceding_number:
        reference = _el(settlement, "InvoiceReferencedDocument")
        _el(reference, "IssuerAssignedID", model.preceding_number)
        if model.preceding_date:
            _date(reference, "FormattedIssueDateTime", model.preceding_date, ns=QDT)


def _summation(settlement: etree._Element, model: InvoiceModel) -> None:
    summation = _el(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(summation, "LineTotalAmount", amount(model.line_total))
    _el(summation, "TaxBasisTotalAmount", amount(model.tax_exclusive))
    _el(summation, "TaxTotalAmount", amount(model.vat_total), currencyID=model.currency)
    if model.tax_currency and model.vat_total_tax_currency is not None:
        _el(summation, "TaxTotalAmount", amount(model.vat_total_tax_currency), currencyID=model.tax_currency)
    _el(summation, "GrandTotalAmount", amount(model.tax_inclusive))
    if model.paid_amount:
        _el(summation, "TotalPrepaidAmount", amount(model.paid_amount))
    _el(summation, "DuePayableAmount", amount(model.payable))


def cii_xml(model: InvoiceModel) -> bytes:
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap={"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT})
    context = _el(root, "ExchangedDocumentContext", ns=RSM)
    _el(_el(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", GUIDELINE_ID)
    document = _el(root, "ExchangedDocument", ns=RSM)
    _el(document, "ID", model.number)
    _el(document, "TypeCode", model.type_code)
    _date(document, "IssueDateTime", model.issue_date)
    if model.note:
        _el(_el(document, "IncludedNote"), "Content", model.note)
    transaction = _el(root, "SupplyChainTradeTransaction", ns=RSM)
    _lines(transaction, model)
    agreement = _el(transaction, "ApplicableHeaderTradeAgreement")
    _el(agreement, "BuyerReference", model.buyer_reference)
    _party(agreement, "SellerTradeParty", model.seller, seller=True)
    _party(agreement, "BuyerTradeParty", model.buyer, seller=False)
    _el(transaction, "ApplicableHeaderTradeDelivery")
    _settlement(transaction, model)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
