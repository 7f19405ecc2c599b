"""Min konto's one billing list (BIL-17): invoices, credit notes and payments, newest first, each
with its state in words, 25 to a page.

Payments are the subscription engine's charges; billing does not import it (tests/test_layering.py),
so the engine answers the `payment_rows` hook with rows already worded in the active language.
Documents are paged by their keys first and only the page's rows are loaded (each invoice's credit
note numbers with it), so a page costs the same few queries however long the history is.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Page, Paginator
from django.db.models import OuterRef
from django.urls import reverse

from accounts.models import Account
from billing.models import Document, DocumentKind, DocumentStatus
from billing.payment_texts import status_text
from billing.selectors import account_documents
from core.hooks import Hook, documents_einvoice

PAGE_SIZE = 25


@dataclass(frozen=True)
class HistoryRow:
    when: datetime
    kind: str  # "invoice", "credit_note" or "payment"
    label: str  # "Invoice", "Credit note", "Payment – renewal"
    number: str  # the document's number; a payment's invoice number
    amount: Decimal
    currency: str
    status: str  # in words: "Paid 29.11.2026 with Visa •••• 4242", "Due 13.12.2026", …
    state: str  # a code for the badge's colour: paid, due, void, credit, failed, refunded
    period_start: date | None = None
    period_end: date | None = None
    pdf_url: str = ""
    pdf_pending: bool = False
    # BIL-14: the e-invoice's delivery status and XML links, as the e-invoicing app tells them.
    einvoice: dict | None = None


# The account's payments as rows, worded in the active language. Nobody registered → none.
payment_rows: Hook[list[HistoryRow]] = Hook("payment_rows", default=[])

_STATE = {DocumentStatus.PAID: "paid", DocumentStatus.VOID: "void", DocumentStatus.ISSUED: "due"}


def document_row(document: Document, *, einvoice: dict | None = None) -> HistoryRow:
    is_credit = document.kind == DocumentKind.CREDIT_NOTE
    credits = list(document.credit_numbers or []) if not is_credit else []
    return HistoryRow(
        when=document.issued_at,
        kind=document.kind,
        label=str(document.get_kind_display()),
        number=document.number,
        amount=document.gross_total,
        currency=document.currency,
        status=status_text(document, credit_numbers=credits),
        state="credit" if is_credit else _STATE.get(document.status, "due"),
        period_start=document.period_start,
        period_end=document.period_end,
        pdf_url=reverse("billing:document_pdf", args=[document.pk]) if document.pdf_sha256 else "",
        pdf_pending=not document.pdf_sha256,
        einvoice=einvoice,
    )


def billing_history(*, account: Account, page: int | str | None) -> Page:
    """One page of the account's billing history; a page number out of range gives the last."""
    keys: list[tuple[datetime, int, object]] = [
        (issued_at, pk, pk) for issued_at, pk in account_documents(account=account).values_list("issued_at", "pk")
    ]
    # Newest first; a payment and the invoice issued at the same moment: the invoice first.
    keys += [(row.when, -1, row) for row in payment_rows(account)]
    keys.sort(key=lambda key: (key[0], key[1]), reverse=True)
    current = Paginator(keys, PAGE_SIZE).get_page(page)
    wanted = [item for _when, _pk, item in current.object_list if isinstance(item, int)]
    # Each invoice's credit notes (their numbers, in issue order) read with it, in the same query.
    notes = (
        Document.objects.filter(credited_invoice=OuterRef("pk"))
        .exclude(status=DocumentStatus.DRAFT)
        .order_by("sequence")
        .values("number")
    )
    documents = (
        account_documents(account=account).filter(pk__in=wanted).annotate(credit_numbers=ArraySubquery(notes)).in_bulk()
    )
    # BIL-14: each document's e-invoice status and XML links, for the whole page at once.
    einvoices = documents_einvoice(list(documents.values()))
    current.object_list = [
        document_row(documents[item], einvoice=einvoices.get(item)) if isinstance(item, int) else item
        for _when, _pk, item in current.object_list
    ]
    return current
