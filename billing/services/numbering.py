"""The one document-number allocator (BIL-11): one gapless series per document kind.

The number is taken by the last statements of the issuing transaction: the counter row stays
locked until the commit, so concurrent issuers queue on it and a rollback gives the number back;
taking it last keeps that lock short."""

from django.db import connection

from billing.models import Document, DocumentKind, DocumentStatus
from billing.services.status import document_transition

NUMBER_PREFIX = {DocumentKind.INVOICE: "FA", DocumentKind.CREDIT_NOTE: "DB"}

_NEXT = "UPDATE billing_documentcounter SET last_number = last_number + 1 WHERE kind = %s RETURNING last_number"


def number_next(kind: str) -> tuple[int, str]:
    """Take the next number of `kind`'s series; the counter row stays locked until commit."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT, [kind])
        row = cursor.fetchone()
        if row is None:  # the series' first number: create its row (racing creators are fine)
            cursor.execute(
                "INSERT INTO billing_documentcounter (kind, last_number) VALUES (%s, 0) ON CONFLICT (kind) DO NOTHING",
                [kind],
            )
            cursor.execute(_NEXT, [kind])
            row = cursor.fetchone()
    sequence = row[0]
    return sequence, f"{NUMBER_PREFIX[kind]}-{sequence:06d}"


def number_and_issue(document: Document, *, actor: str) -> Document:
    """Number a finalised draft and move it to issued, in the caller's transaction."""
    sequence, number = number_next(document.kind)
    return document_transition(document, to=DocumentStatus.ISSUED, actor=actor, sequence=sequence, number=number)
