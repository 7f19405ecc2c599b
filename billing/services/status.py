"""Invoice and credit-note statuses move only through core.transitions (BIL-11).

Invoices and credit notes share one table but not one state machine: `Invoice.TRANSITIONS` and
`CreditNote.TRANSITIONS` declare their moves, and a document loaded as a plain `Document` is
moved as the proxy of its kind, so an invoice rule can never move a credit note."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction

from billing.models import CreditNote, Document, DocumentKind, DocumentStatus, Invoice
from billing.services.common import billing_audit
from config.clock import now
from core.transitions import is_allowed, transition

PROXIES: dict[str, type[Document]] = {DocumentKind.INVOICE: Invoice, DocumentKind.CREDIT_NOTE: CreditNote}


def as_kind(document: Document) -> Document:
    """The same row as an `Invoice` or a `CreditNote` (no query), whose class declares its moves."""
    proxy = PROXIES[document.kind]
    if type(document) is proxy:
        return document
    return proxy(**{f.attname: getattr(document, f.attname) for f in Document._meta.concrete_fields})


def move_allowed(document: Document, to: str) -> bool:
    return is_allowed(PROXIES[document.kind], document.status, to)


def document_transition(document: Document, *, to: str, actor: str, reason: str = "", **changes: Any) -> Document:
    """Move `document` (locked, checked, saved by core.transitions) and keep the caller's
    instance in step; an undeclared move raises IllegalTransition and changes nothing."""
    moved = transition(as_kind(document), to=to, actor=actor, reason=reason, **changes)
    for attr in ("status", *changes):
        setattr(document, attr, getattr(moved, attr))
    return document


# BIL-17: what an invoice records about its payment, as codes worded when read (billing.payments).
BANK_TRANSFER: dict[str, str] = {"method": "bank_transfer"}


@transaction.atomic
def document_mark_paid(
    *, document: Document, actor: str, paid_at: datetime | None = None, payment: Mapping[str, str] | None = None
) -> Document:
    """Issued → paid, with when and how (BIL-17): `payment` is {"method": "card", "brand": …,
    "last4": …}, {"method": "paypal"} or, by default (staff record a transfer), a bank transfer.
    The only moment the database lets these fields be written on an issued document."""
    paid_at = paid_at or now()
    snapshot = dict(payment or BANK_TRANSFER)
    document_transition(document, to=DocumentStatus.PAID, actor=actor, paid_at=paid_at, payment=snapshot)
    billing_audit(
        account=document.account, actor=actor, action="paid", document=document, paid_at=paid_at, payment=snapshot
    )
    return document
