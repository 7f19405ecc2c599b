"""The one document-number allocator (BIL-11): one gapless series per document kind.

The number is taken by the last statements of the issuing transaction: the counter row stays
locked until the commit, so concurrent issuers queue on it and a rollback gives the number back;
taking it last keeps that lock short."""

from typing import Any

from django.db import connection
from psycopg.types.json import Jsonb

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


# The batch form (the billing run): the whole batch's numbers, the documents numbered (and,
# when paid_at is given, marked paid with `payment`) and, optionally, a linked table told the
# number — all in ONE statement, the last of the transaction, so the counter row is locked for
# that statement only and a rollback gives every number back. Positions are 1…k in order.
_BATCH = """
WITH counter AS (
    UPDATE billing_documentcounter SET last_number = last_number + %(k)s WHERE kind = %(kind)s
    RETURNING last_number
), batch AS (
    SELECT * FROM unnest(%(ids)s::bigint[], %(positions)s::int[], %(paid)s::timestamptz[], %(payments)s::jsonb[])
        AS b(id, position, paid_at, payment)
), numbered AS (
    UPDATE billing_document d
    SET sequence = counter.last_number - %(k)s + batch.position,
        number = %(prefix)s || '-' || lpad((counter.last_number - %(k)s + batch.position)::text,
            greatest(6, length((counter.last_number - %(k)s + batch.position)::text)), '0'),
        status = CASE WHEN batch.paid_at IS NULL THEN 'issued' ELSE 'paid' END,
        paid_at = batch.paid_at,
        payment = coalesce(batch.payment, d.payment)
    FROM counter, batch
    WHERE d.id = batch.id AND d.status = 'draft'
    RETURNING d.id, d.sequence, d.number
){link}
SELECT id, sequence, number FROM numbered
"""
_LINK = """, linked AS (
    UPDATE {table} t SET {number} = numbered.number FROM numbered WHERE t.{document} = numbered.id
)"""


def numbers_assign(
    *,
    kind: str,
    documents: list[tuple[int, Any, dict[str, str] | None]],
    link: tuple[str, str, str] | None = None,
) -> dict[int, tuple[int, str]]:
    """Number finalised drafts (id, paid_at or None, payment) in one statement; `link` is
    (table, document id column, number column) of rows that quote the number. Returns
    {id: (sequence, number)}. Call it last, just before the commit."""
    if not documents:
        return {}
    link_sql = ""
    if link is not None:
        quote = connection.ops.quote_name
        link_sql = _LINK.format(table=quote(link[0]), document=quote(link[1]), number=quote(link[2]))
    params = {
        "k": len(documents),
        "kind": kind,
        "prefix": NUMBER_PREFIX[kind],
        "ids": [d[0] for d in documents],
        "positions": list(range(1, len(documents) + 1)),
        "paid": [d[1] for d in documents],
        "payments": [Jsonb(d[2]) if d[2] is not None else None for d in documents],
    }
    sql = _BATCH.format(link=link_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        if not rows:  # the series' first numbers: create its row (racing creators are fine)
            cursor.execute(
                "INSERT INTO billing_documentcounter (kind, last_number) VALUES (%s, 0) ON CONFLICT (kind) DO NOTHING",
                [kind],
            )
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    if len(rows) != len(documents):  # a document not a draft any more: take nothing
        raise RuntimeError(f"{len(documents) - len(rows)} document(s) of the batch could not be numbered")
    return {pk: (sequence, number) for pk, sequence, number in rows}
