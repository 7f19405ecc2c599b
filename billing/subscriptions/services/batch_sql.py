"""The batch run's set-based statements (services/batch.py): one statement per batch each."""

from django.db import connection

from billing.subscriptions.models import Charge, Subscription


def charges_insert_ignoring_taken(charges: list[Charge]) -> list[Charge]:
    """One INSERT for the batch; a period claimed already (a rerun, a second worker) is skipped."""
    fields = [f for f in Charge._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [f.get_db_prep_save(getattr(c, f.attname), connection) for c in charges for f in fields]
    sql = (
        f"INSERT INTO {Charge._meta.db_table} ({columns}) VALUES {', '.join([row] * len(charges))} "
        "ON CONFLICT DO NOTHING RETURNING id, key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = dict((key, pk) for pk, key in cursor.fetchall())
    claimed = []
    for charge in charges:
        if charge.key in ids:
            charge.pk = ids[charge.key]
            claimed.append(charge)
    return claimed


_SUBSCRIPTIONS = """
UPDATE {table} s SET plan_id = u.plan_id, seats = u.seats, cycle = u.cycle, anchor = u.anchor,
    period_start = u.period_start, period_end = u.period_end, pending_plan_id = u.pending_plan_id,
    pending_seats = u.pending_seats, pending_cycle = u.pending_cycle
FROM unnest(%s::bigint[], %s::bigint[], %s::int[], %s::text[], %s::timestamptz[], %s::timestamptz[],
    %s::timestamptz[], %s::bigint[], %s::int[], %s::text[])
    AS u(id, plan_id, seats, cycle, anchor, period_start, period_end, pending_plan_id, pending_seats, pending_cycle)
WHERE s.id = u.id
"""


def subscriptions_write(subscriptions: list[Subscription]) -> None:
    """The advanced periods (and the changes applied with them, BIL-3) in one UPDATE."""
    columns = ("pk", "plan_id", "seats", "cycle", "anchor", "period_start", "period_end")
    columns += ("pending_plan_id", "pending_seats", "pending_cycle")
    with connection.cursor() as cursor:
        cursor.execute(
            _SUBSCRIPTIONS.format(table=Subscription._meta.db_table),
            [[getattr(s, c) for s in subscriptions] for c in columns],
        )


_PAID = """
UPDATE {table} c SET status = 'paid', paid_at = u.paid_at, next_retry_at = NULL, attempts = u.attempts,
    payment_method_id = u.method, gateway_ref = u.ref, failure_code = u.code, invoice_id = u.invoice
FROM unnest(%s::bigint[], %s::timestamptz[], %s::int[], %s::bigint[], %s::text[], %s::text[], %s::bigint[])
    AS u(id, paid_at, attempts, method, ref, code, invoice)
WHERE c.id = u.id
"""


def charges_paid_write(paid: list[Charge]) -> None:
    """The paid charges (status, payment, invoice) in one UPDATE; the caller audits each."""
    columns = ("pk", "paid_at", "attempts", "payment_method_id", "gateway_ref", "failure_code", "invoice_id")
    with connection.cursor() as cursor:
        cursor.execute(_PAID.format(table=Charge._meta.db_table), [[getattr(c, f) for c in paid] for f in columns])
