"""The EN 16931 semantic model of an issued invoice or credit note (BIL-14).

Built once from the document's immutable snapshot (seller and buyer JSON, lines, totals, tax
treatment and rate, currency, VAT in EUR, credited invoice, period, due date, payment); `ubl.py`
and `cii.py` only serialise it, so both syntaxes carry the same data as the PDF. No amount is
computed here: each is the document's or a line's, a credit note's with its sign turned (a credit
note states positive amounts; its type code says it credits).

VAT categories (one table, `TREATMENT_CATEGORIES`):
- domestic, eu_consumer, eu_business_unverified: S at the document's rate (the buyer country's
  rate for OSS sales is still "standard rated" in EN 16931 terms);
- reverse_charge: AE, 0 %, exemption reason "Reverse charge" + VATEX-EU-AE;
- outside_eu_business, outside_eu: O (outside the scope of EU VAT, Art. 44 / 59), VATEX-EU-O;
  EN 16931 (BR-O-02) then forbids the seller's and buyer's VAT identifiers, so the seller is
  identified by its company registration number (BT-30) instead;
- no_voec (Norwegian VAT under VOEC) and uk_vat (UK VAT): S at the foreign rate (25 / 20 %), the
  only category EN 16931 offers for VAT charged. The seller's VAT identifier (BT-31) stays its
  Slovak one (the seller's identity in the EU); the foreign registration under which that VAT is
  due (the VOEC number, the GB VAT number), when the snapshot carries it, is the seller's tax
  registration identifier (BT-32), which BR-S-02 accepts.
- E (exempt) is in the code list for completeness; no treatment uses it today.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.identifiers import (
    EMAIL_SCHEME,
    company_id_scheme,
    peppol_default,
    registration_number,
    slovak_business,
    slovak_tax_number,
)
from billing.models import Document, DocumentKind, DocumentStatus
from config.clock import seller_date

INVOICE = "380"
CREDIT_NOTE = "381"
UNIT_DEFAULT = "C62"  # UN/ECE rec. 20 "one": seats, licences and one-off services alike
CREDIT_TRANSFER = "58"  # UNCL 4461: SEPA credit transfer
CARD = "48"  # UNCL 4461: bank card


@dataclass(frozen=True)
class Category:
    code: str
    exemption_reason: str = ""
    exemption_code: str = ""


STANDARD = Category("S")
TREATMENT_CATEGORIES: dict[str, Category] = {
    "domestic": STANDARD,
    "eu_consumer": STANDARD,
    "eu_business_unverified": STANDARD,
    "no_voec": STANDARD,
    "uk_vat": STANDARD,
    "reverse_charge": Category("AE", "Reverse charge", "VATEX-EU-AE"),
    "outside_eu_business": Category("O", "Not subject to VAT", "VATEX-EU-O"),
    "outside_eu": Category("O", "Not subject to VAT", "VATEX-EU-O"),
    "exempt": Category("E", "Exempt from VAT", "VATEX-EU-132"),
}
# Treatments under which the VAT is due in another tax system than the seller's Slovak one.
FOREIGN_REGISTRATION = ("no_voec", "uk_vat")


@dataclass(frozen=True)
class Party:
    name: str
    street: str
    city: str
    postcode: str
    country: str
    vat_id: str = ""  # BT-31 / BT-48
    tax_registration_id: str = ""  # BT-32 (the seller's DIČ, VOEC or GB VAT number)
    company_id: str = ""  # BT-30 / BT-47
    company_id_scheme: str = ""
    endpoint_id: str = ""  # BT-34 / BT-49
    endpoint_scheme: str = ""
    contact_name: str = ""
    email: str = ""
    register: str = ""  # BT-33, the seller's additional legal information


@dataclass(frozen=True)
class Line:
    id: str
    name: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    net_amount: Decimal  # BT-131
    category: str
    rate: Decimal


@dataclass(frozen=True)
class VatBreakdown:
    category: str
    rate: Decimal
    taxable_amount: Decimal  # BT-116
    tax_amount: Decimal  # BT-117
    exemption_reason: str = ""
    exemption_code: str = ""


@dataclass(frozen=True)
class Payment:
    means_code: str
    reference: str = ""  # BT-83: the document number
    iban: str = ""
    bic: str = ""
    bank_name: str = ""
    card_last4: str = ""
    card_network: str = ""


@dataclass(frozen=True)
class InvoiceModel:
    number: str  # BT-1
    type_code: str  # BT-3
    issue_date: date  # BT-2
    currency: str  # BT-5
    seller: Party
    buyer: Party
    lines: list[Line]
    breakdown: list[VatBreakdown]
    line_total: Decimal  # BT-106
    tax_exclusive: Decimal  # BT-109
    vat_total: Decimal  # BT-110
    tax_inclusive: Decimal  # BT-112
    paid_amount: Decimal  # BT-113
    payable: Decimal  # BT-115
    buyer_reference: str  # BT-10
    tax_point_date: date | None = None  # BT-7
    due_date: date | None = None  # BT-9
    period_start: date | None = None  # BT-73
    period_end: date | None = None  # BT-74
    tax_currency: str = ""  # BT-6
    vat_total_tax_currency: Decimal | None = None  # BT-111
    preceding_number: str = ""  # BT-25
    preceding_date: date | None = None  # BT-26
    note: str = ""  # BT-22
    payment: Payment | None = None
    slovak_rules: bool = False
    language: str = ""


def _signed(sign: int, value: Decimal) -> Decimal:
    """The amount as the e-invoice states it (a credit note's positive), never "-0.00"."""
    return sign * value + 0


def _text(snapshot: dict, key: str) -> str:
    return str(snapshot.get(key) or "").strip()


def _seller(document: Document, category: Category) -> Party:
    seller = document.seller
    vat_id = "" if category.code == "O" else _text(seller, "vat_number")
    tax_registration = ""
    if _text(seller, "country") == "SK":  # the seller's DIČ (the Slovak rules want it)
        tax_registration = slovak_tax_number(
            tax_number=_text(seller, "tax_number"), vat_number=_text(seller, "vat_number")
        )
    if document.tax_treatment in FOREIGN_REGISTRATION:
        tax_registration = _text(seller, "tax_registration_number") or tax_registration
    scheme, endpoint = _text(seller, "peppol_scheme"), _text(seller, "peppol_id")
    if not endpoint:
        scheme, endpoint = peppol_default(
            country=_text(seller, "country"),
            company_id=_text(seller, "company_id"),
            vat_number=_text(seller, "vat_number"),
            tax_number=_text(seller, "tax_number"),
        )
    if not endpoint:
        scheme, endpoint = EMAIL_SCHEME, _text(seller, "email")
    return Party(
        name=_text(seller, "legal_name"),
        street=_text(seller, "street"),
        city=_text(seller, "city"),
        postcode=_text(seller, "postcode"),
        country=_text(seller, "country"),
        vat_id=vat_id,
        tax_registration_id=tax_registration,
        company_id=_text(seller, "company_id").replace(" ", ""),
        company_id_scheme=company_id_scheme(_text(seller, "country")),
        endpoint_id=endpoint,
        endpoint_scheme=scheme,
        email=_text(seller, "email"),
        register=_text(seller, "register"),
    )


def _buyer(document: Document, category: Category) -> Party:
    buyer = document.buyer
    scheme, endpoint = _text(buyer, "peppol_scheme"), _text(buyer, "peppol_id")
    if not endpoint:
        scheme, endpoint = peppol_default(
            country=_text(buyer, "country"),
            company_id=_text(buyer, "company_id"),
            vat_number=_text(buyer, "vat_number"),
            tax_number=_text(buyer, "tax_number"),
        )
    if not endpoint:  # a consumer: the invoice e-mail address is the electronic address
        scheme, endpoint = EMAIL_SCHEME, _text(buyer, "email")
    return Party(
        name=_text(buyer, "company") or _text(buyer, "name"),
        street=_text(buyer, "street"),
        city=_text(buyer, "city"),
        postcode=_text(buyer, "postcode"),
        country=_text(buyer, "country"),
        vat_id="" if category.code == "O" else _text(buyer, "vat_number"),
        company_id=registration_number(
            country=_text(buyer, "country"),
            company_id=_text(buyer, "company_id"),
            vat_number=_text(buyer, "vat_number"),
        ),
        company_id_scheme=company_id_scheme(_text(buyer, "country")),
        endpoint_id=endpoint,
        endpoint_scheme=scheme,
        contact_name=_text(buyer, "name") if _text(buyer, "company") else "",
        email=_text(buyer, "email"),
    )


def _payment(document: Document, sign: int) -> tuple[Decimal, Payment | None]:
    """BT-113 and the payment means: a paid invoice says how it was paid and owes nothing; an
    unpaid one says where to pay; a credit note states neither."""
    if document.kind == DocumentKind.CREDIT_NOTE:
        return Decimal("0.00"), None
    paid = document.status == DocumentStatus.PAID or getattr(document, "paid_at", None) is not None
    payment = getattr(document, "payment", None) or {}
    if paid:
        if payment.get("method") == "card" and payment.get("last4"):
            means = Payment(CARD, document.number, card_last4=payment["last4"], card_network=payment.get("brand", ""))
            return _signed(sign, document.gross_total), means
        return _signed(sign, document.gross_total), None
    seller = document.seller
    return Decimal("0.00"), Payment(
        CREDIT_TRANSFER,
        document.number,
        iban=_text(seller, "iban").replace(" ", ""),
        bic=_text(seller, "bic"),
        bank_name=_text(seller, "bank_name"),
    )


def semantic_model(document: Document) -> InvoiceModel:
    """The EN 16931 model of an issued document (raises ValueError for a draft)."""
    if not document.number or document.issued_at is None:
        raise ValueError("Only an issued document has an e-invoice.")
    category = TREATMENT_CATEGORIES[document.tax_treatment]
    credit = document.kind == DocumentKind.CREDIT_NOTE
    sign = -1 if credit else 1
    lines = [
        Line(
            id=str(line.position),
            name=line.description,
            quantity=line.quantity,
            unit_code=UNIT_DEFAULT,
            unit_price=_signed(sign, line.unit_price),
            net_amount=_signed(sign, line.net_amount),
            category=category.code,
            rate=line.vat_rate,
        )
        for line in document.lines.order_by("position")
    ]
    breakdown = [
        VatBreakdown(
            category.code,
            document.vat_rate or Decimal("0"),
            _signed(sign, document.net_total),
            _signed(sign, document.vat_total),
            category.exemption_reason,
            category.exemption_code,
        )
    ]
    paid_amount, payment = _payment(document, sign)
    issue_date = _issue_date(document)
    foreign_vat = document.currency != "EUR" and document.vat_total and document.vat_total_eur is not None
    preceding = document.credited_invoice
    buyer = _buyer(document, category)
    return InvoiceModel(
        number=document.number,
        type_code=CREDIT_NOTE if credit else INVOICE,
        issue_date=issue_date,
        currency=document.currency,
        seller=_seller(document, category),
        buyer=buyer,
        lines=lines,
        breakdown=breakdown,
        line_total=_signed(sign, document.net_total),
        tax_exclusive=_signed(sign, document.net_total),
        vat_total=_signed(sign, document.vat_total),
        tax_inclusive=_signed(sign, document.gross_total),
        paid_amount=paid_amount,
        payable=_signed(sign, document.gross_total) - paid_amount,
        buyer_reference=_text(document.buyer, "buyer_reference") or f"{document.account_id}",
        tax_point_date=getattr(document, "tax_point", None) or issue_date,
        due_date=document.due_date if not credit else None,
        period_start=document.period_start,
        period_end=document.period_end,
        tax_currency="EUR" if foreign_vat else "",
        vat_total_tax_currency=_signed(sign, document.vat_total_eur) if foreign_vat else None,
        preceding_number=preceding.number if preceding is not None else "",
        preceding_date=_issue_date(preceding) if preceding is not None else None,
        note=document.tax_note or document.reason,
        payment=payment,
        slovak_rules=slovak_business(document.buyer),
        language=document.language,
    )


def _issue_date(document: Document) -> date:
    """The seller's calendar day of the issue (BIL-17: dates are the seller's days)."""
    return seller_date(document.issued_at)
