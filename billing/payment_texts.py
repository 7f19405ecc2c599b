"""BIL-17: how a document's state reads — paid (how and when), due, cancelled, credited.

The document stores codes (`status`, `paid_at`, `payment`); the sentence is made here, in the
active language, whenever the document is read: the PDF renders inside the document's language,
Min konto in the reader's. Dates are the seller's calendar days (BIL-17), printed dd.mm.yyyy.
"""

from collections.abc import Iterable, Mapping
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from billing.models import Document, DocumentKind, DocumentStatus
from config.clock import seller_date


def day_text(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def payment_method_text(payment: Mapping[str, str]) -> str:
    """The method as the payer knows it: "Visa •••• 4242", "PayPal", "bank transfer"."""
    method = payment.get("method", "")
    if method == "card":
        brand = payment.get("brand") or _("card")
        return f"{brand} •••• {payment['last4']}" if payment.get("last4") else brand
    if method == "paypal":
        return "PayPal"
    if method == "bank_transfer":
        return _("bank transfer")
    return ""


def paid_day(document: Document) -> date | None:
    return seller_date(document.paid_at) if document.paid_at else None


def paid_sentence(document: Document) -> str:
    """The PDF's line: "Paid with Visa •••• 4242 on 29.11.2026"."""
    method, day = payment_method_text(document.payment or {}), paid_day(document)
    if method and day:
        return _("Paid with %(method)s on %(date)s") % {"method": method, "date": day_text(day)}
    if day:
        return _("Paid on %(date)s") % {"date": day_text(day)}
    return _("Paid")


def status_text(document: Document, *, credit_numbers: Iterable[str] = ()) -> str:
    """Min konto's status of a document: "Paid 29.11.2026 with Visa •••• 4242", "Due 13.12.2026",
    "Cancelled – credited by DB-000002", "Credits invoice FA-000011"."""
    if document.kind == DocumentKind.CREDIT_NOTE:
        number = document.credited_invoice.number if document.credited_invoice else ""
        return _("Credits invoice %(number)s") % {"number": number}
    if document.status == DocumentStatus.VOID:
        return _("Cancelled – credited by %(numbers)s") % {"numbers": ", ".join(credit_numbers)}
    if document.status == DocumentStatus.PAID:
        return paid_status(day=paid_day(document), payment=document.payment or {})
    if document.due_date:
        return _("Due %(date)s") % {"date": day_text(document.due_date)}
    return str(document.get_status_display())


def paid_status(*, day: date | None, payment: Mapping[str, str]) -> str:
    """A paid invoice's or payment's state in a list: "Paid 29.11.2026 with Visa •••• 4242"."""
    method = payment_method_text(payment)
    if method and day:
        return _("Paid %(date)s with %(method)s") % {"date": day_text(day), "method": method}
    return _("Paid %(date)s") % {"date": day_text(day)} if day else _("Paid")


def refunded_status(*, day: date, payment: Mapping[str, str]) -> str:
    """A refund's state: "Refunded 29.11.2026 to Visa •••• 4242"."""
    method = payment_method_text(payment)
    if method:
        return _("Refunded %(date)s to %(method)s") % {"date": day_text(day), "method": method}
    return _("Refunded %(date)s") % {"date": day_text(day)}
