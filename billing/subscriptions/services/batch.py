"""BIL-1 in batches: bill many subscriptions with a handful of statements each.

One batch runs in three steps, each keeping the per-account path's guarantees:
1. claim: lock the batch's due subscriptions, advance them in memory (`renewal_charges`, the same
   pricing and tax decision as one account), then insert every charge in one
   `INSERT … ON CONFLICT DO NOTHING RETURNING`: the unique (subscription, period start) keeps a
   rerun or a second worker harmless — only the charges this batch inserted are its to pay;
2. pay: ask the processor per charge with its idempotency key, outside any database lock, a
   few at a time (a thread pool);
3. record: one transaction writes the attempts, the paid charges, their invoices (the same
   `finalise` as one invoice), lines and audit rows, hands failures to dunning, and takes the
   invoice numbers last, in one statement for the whole batch (`numbering.numbers_assign`), so
   the series is locked for one statement and a failure burns no number. Receipts (in each
   Owner's language, BIL-6) and PDFs are queued after the commit.

Steps 1 and 3 read per account for the whole batch at once (batch_reads.py), reference data once
per batch (`core.memo`), and write the audit rows in one INSERT (`core.audit.audit_batched`).
"""

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import connection, connections, transaction

from accounts.lifecycle import account_activate, audit
from accounts.models import Account, AccountStatus
from billing.models import (
    BillingProfile,
    CustomDelivery,
    Document,
    DocumentKind,
    DocumentLine,
    DocumentStatus,
    Invoice,
)
from billing.services.common import BillingError, billing_audit
from billing.services.deliveries import unbilled_deliveries
from billing.services.documents import _new_invoice
from billing.services.issuing import finalise, hold, line_objects
from billing.services.numbering import numbers_assign
from billing.services.profiles import billing_profile
from billing.subscriptions import proration
from billing.subscriptions.choices import ChargeKind, ChargeStatus, SubscriptionStatus
from billing.subscriptions.gateway import ChargeResult
from billing.subscriptions.models import Charge, ChargeAttempt, PaymentMethod, Subscription
from billing.subscriptions.services.audit_and_mail import owner_mail
from billing.subscriptions.services.batch_reads import accounts_read, deliveries_read
from billing.subscriptions.services.batch_sql import (
    charges_insert_ignoring_taken,
    charges_paid_write,
    subscriptions_write,
)
from billing.subscriptions.services.charges import charge_failed_record, payment_snapshot, processor_ask
from billing.subscriptions.services.receipts import receipt_mail, receipts_later
from billing.subscriptions.services.renewals import renewal_charges
from billing.tasks import pdf_render_enqueue
from billing.tax import LineInput, TaxDecision
from billing.waiting import WaitingFor
from config.clock import now
from core.audit import audit_batched
from core.links import account_url
from core.memo import run_memo
from core.models import AuditDomain
from core.transitions import transition

log = logging.getLogger(__name__)
ACTOR = "job:subscriptions_billing_run"
BILLABLE = (AccountStatus.ACTIVE, AccountStatus.REACTIVATED)


@dataclass
class BatchResult:
    paid: list[Charge] = field(default_factory=list)
    failed: list[Charge] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock_seconds: float = 0.0


def batch_claim(*, subscription_ids: list[int], at: datetime) -> list[Charge]:
    """Step 1: the renewal charges of every period started by `at`, claimed by this batch."""
    with transaction.atomic(), run_memo():
        # Locked in id order (no deadlock with a second worker); rows another worker advanced
        # meanwhile no longer match `period_end <= at` when the lock is granted.
        subscriptions = list(
            Subscription.objects.select_for_update(of=("self",))
            .select_related("account", "plan", "pending_plan")
            .filter(
                pk__in=subscription_ids,
                status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE],
                period_end__lte=at,
                account__status__in=BILLABLE,
                account__deleted_at__isnull=True,
            )
            .order_by("pk")
        )
        accounts_read(subscription.account for subscription in subscriptions)
        built = [charge for s in subscriptions for charge in renewal_charges(subscription=s, at=at)]
        if not built:
            return []
        subscriptions_write(subscriptions)
        claimed = charges_insert_ignoring_taken(built)
        renamed: dict[str, list[int]] = {}
        for subscription in subscriptions:
            if subscription.account.plan_name != subscription.plan.name:
                renamed.setdefault(subscription.plan.name, []).append(subscription.account_id)
        for name, account_ids in renamed.items():  # one UPDATE per plan
            Account.objects.filter(pk__in=account_ids).update(plan_name=name)
    return claimed


@dataclass
class Attempt:
    charge: Charge
    method: PaymentMethod | None
    result: ChargeResult | None  # None: the processor did not answer
    at: datetime


def batch_pay(*, charges: list[Charge], workers: int | None = None) -> list[Attempt]:
    """Step 2: one processor call per charge (attempt 1, its own idempotency key), no lock held."""
    # ACC-10: an account cancelled or closed since the claim committed is never charged — its
    # claimed charge was abandoned by the cancellation (account_charging_end) or is left pending
    # for the next run's check; read fresh just before the processor is called.
    still = set(
        Charge.objects.filter(
            pk__in=[c.pk for c in charges],
            status=ChargeStatus.PENDING,
            account__status__in=BILLABLE,
            account__deleted_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    charges = [c for c in charges if c.pk in still]
    if not charges:
        return []
    account_ids = {c.account_id for c in charges}
    methods = {
        m.account_id: m
        for m in PaymentMethod.objects.filter(account_id__in=account_ids, is_current=True).order_by("created_at")
    }
    profiled = set(BillingProfile.objects.filter(account_id__in=account_ids).values_list("account_id", flat=True))
    workers = workers or getattr(settings, "KONTO_BILLING_PROCESSOR_THREADS", 4)

    at = now()  # read here: the pool's threads do not see the run's (frozen) clock

    def attempt(charge: Charge) -> Attempt:
        method = methods.get(charge.account_id)
        try:
            answer = processor_ask(
                charge, method=method, has_billing_details=charge.account_id in profiled, attempt=1, at=at
            )
            return Attempt(charge, method, answer, at)
        except Exception:  # noqa: BLE001 — unanswered: stays pending, retried with the same key
            log.exception("billing run: charge %s not attempted", charge.pk)
            return Attempt(charge, method, None, at)

    def attempt_share(share: list[Charge]) -> list[Attempt]:
        """One thread's share of the batch, on one database connection for the whole share
        (the sandbox processor writes its ledger through it), closed when the share is done."""
        try:
            return [attempt(charge) for charge in share]
        finally:
            connections.close_all()

    # Threads have connections of their own: only when the claim is committed (not inside a
    # caller's transaction, where they could not see its rows).
    threads = workers > 1 and len(charges) > 1 and not connection.in_atomic_block
    if not threads:
        return [attempt(c) for c in charges]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        answered = {
            a.charge.pk: a
            for share in pool.map(attempt_share, [charges[i::workers] for i in range(workers)])
            for a in share
        }
    return [answered[charge.pk] for charge in charges]


def batch_record(*, attempts: list[Attempt], actor: str = ACTOR) -> BatchResult:
    """Step 3: record every answer in one transaction, invoices numbered by its last statement."""
    result = BatchResult()
    if not attempts:
        return result
    issued: list = []
    waiting: set[int] = set()
    with transaction.atomic(), run_memo():
        with audit_batched():  # written before the numbers, which come last
            locked = {
                c.pk: c
                for c in Charge.objects.select_for_update()
                .select_related("account", "subscription")
                .filter(pk__in=[a.charge.pk for a in attempts], status=ChargeStatus.PENDING, attempts=0)
            }
            accounts_read(charge.account for charge in locked.values())
            deliveries_read(locked.values())
            # Another path may have recorded one meanwhile; an unanswered one is retried next run.
            mine = [a for a in attempts if a.charge.pk in locked and a.result is not None]
            drafts = _invoices_finalise([a for a in mine if a.result.succeeded], result)
            mine = [a for a in mine if not a.result.succeeded or a.charge.pk in drafts]  # errors: retried later
            ChargeAttempt.objects.bulk_create(
                [
                    ChargeAttempt(
                        charge_id=a.charge.pk,
                        at=a.at,
                        succeeded=a.result.succeeded,
                        code=a.result.code,
                        gateway_ref=a.result.reference,
                    )
                    for a in mine
                ]
            )
            for a in mine:
                charge = locked[a.charge.pk]
                charge.attempts, charge.payment_method = 1, a.method
                charge.gateway_ref, charge.failure_code = a.result.reference, a.result.code
                if a.result.succeeded:
                    result.paid.append(charge)
                else:
                    charge_failed_record(charge, at=a.at, actor=actor)  # BIL-12: dunning, as for one account
                    result.failed.append(charge)
            written = [d.invoice for d in drafts.values() if d is not None]
            issued = _invoices_write(drafts, locked, actor=actor)
            _paid_record(result.paid, at={a.charge.pk: a.at for a in mine}, actor=actor)
            waiting = receipts_later(issued)  # BIL-6: each receipt goes with its invoice's PDF
        numbered = [(doc.pk, doc.paid_at, doc.payment) for doc in issued]
        started = time.perf_counter()
        numbers = numbers_assign(
            kind=DocumentKind.INVOICE,
            documents=numbered,
            link=(Charge._meta.db_table, "invoice_id", "invoice_number"),
        )
        result.lock_seconds = time.perf_counter() - started
    for charge in result.paid:
        if charge.invoice_id in numbers:
            charge.invoice_number = numbers[charge.invoice_id][1]
    for invoice in issued:
        invoice.sequence, invoice.number = numbers[invoice.pk]
        invoice.status = DocumentStatus.PAID
    _after_commit(result.paid, {invoice.pk: invoice for invoice in written}, waiting=waiting)
    return result


@dataclass
class Draft:
    invoice: Invoice
    lines: list[DocumentLine]
    ready: bool
    deliveries: list[CustomDelivery]
    payment: dict[str, str]
    at: datetime


def _invoices_finalise(paid: list[Attempt], result: BatchResult) -> dict[int, Draft | None]:
    """Each paid charge's invoice, in memory, with the charge's own tax decision (`finalise`,
    as for one invoice); None for a charge that gets none (nothing to pay, no billing details).
    A charge whose invoice is refused (BIL-14: identifiers missing) is left out: it stays
    pending and the next run retries it with the same idempotency key."""
    drafts: dict[int, Draft | None] = {}
    billed: set[int] = set()  # deliveries go on the account's first invoice of the batch only
    for a in paid:
        charge = a.charge
        if charge.amount == 0 or billing_profile(charge.account) is None:
            drafts[charge.pk] = None
            continue
        served = proration.Period(charge.period_start, charge.period_end)  # BIL-17: the seller's days
        deliveries = [d for d in unbilled_deliveries(charge.account, charge.currency) if d.pk not in billed]
        billed.update(d.pk for d in deliveries)  # BIL-13, as one invoice
        lines = [LineInput(d, Decimal(q), Decimal(u)) for d, q, u in charge.lines] or [
            LineInput(charge.description, Decimal("1"), charge.net_amount)
        ]
        lines += [LineInput(d.description, Decimal("1"), d.price) for d in deliveries]
        invoice = _new_invoice(charge.account, charge.currency, served.first_day, served.last_day)
        objects = line_objects(lines, language=invoice.language)
        decision = (
            TaxDecision(charge.tax_treatment, charge.tax_country, charge.vat_rate) if charge.tax_treatment else None
        )
        try:
            # BIL-14: the money is taken; a Slovak company's invoice without IČO/DIČ waits.
            ready = finalise(invoice, objects, moment=a.at, decision=decision, identifiers_may_wait=True)
        except BillingError as error:
            log.warning("billing run: charge %s not invoiced: %s", charge.pk, error)
            result.errors.append(f"{charge.account.slug}: not billed: {error}")
            continue
        if not ready:
            invoice.issued_at = None  # BIL-16: held as a draft, no number
        drafts[charge.pk] = Draft(invoice, objects, ready, deliveries, payment_snapshot(a.method), a.at)
    return drafts


def _invoices_write(drafts: dict[int, Draft | None], charges: dict[int, Charge], *, actor: str) -> list[Invoice]:
    """Write the invoices (as drafts), their lines and audit rows in bulk; the numbers come last.
    Returns the invoices to number, each carrying the payment it is marked paid with (BIL-17)."""
    pending = [(pk, d) for pk, d in drafts.items() if d is not None]
    if not pending:
        return []
    asked = set(  # BIL-14: accounts already asked for their identifiers by an earlier wait
        Document.objects.filter(
            account_id__in={d.invoice.account_id for _, d in pending},
            status=DocumentStatus.DRAFT,
            waiting_for=WaitingFor.IDENTIFIERS,
        ).values_list("account_id", flat=True)
    )
    invoices = Invoice.objects.bulk_create([d.invoice for _, d in pending])
    DocumentLine.objects.bulk_create(
        [line for (_, d), invoice in zip(pending, invoices, strict=True) for line in _attach(d.lines, invoice)]
    )
    numbered = []
    for (charge_id, draft), invoice in zip(pending, invoices, strict=True):
        charges[charge_id].invoice_id = invoice.pk
        if draft.deliveries:
            CustomDelivery.objects.filter(pk__in=[d.pk for d in draft.deliveries]).update(invoice=invoice)
        if not draft.ready:  # BIL-14/BIL-16: the held-invoice reaction marks it paid when issued
            hold(invoice, actor=actor)
            if invoice.waiting_for == WaitingFor.IDENTIFIERS and invoice.account_id not in asked:
                asked.add(invoice.account_id)  # asked once per wait, as for one account
                url = account_url(invoice.account, "/min-konto/billing/details/")  # the billing-details form
                owner_mail(invoice.account, "subscriptions_identifiers_needed", {"details_url": url})
            continue
        billing_audit(
            account=invoice.account,
            actor=actor,
            action=f"{invoice.kind}_issued",
            document=invoice,
            gross=str(invoice.gross_total),
            currency=invoice.currency,
        )
        invoice.paid_at, invoice.payment = draft.at, draft.payment
        billing_audit(
            account=invoice.account,
            actor=actor,
            action="paid",
            document=invoice,
            paid_at=draft.at,
            payment=draft.payment,
        )
        numbered.append(invoice)
    return numbered


def _attach(lines: list[DocumentLine], invoice: Invoice) -> list[DocumentLine]:
    for line in lines:
        line.document = invoice
    return lines


def _paid_record(paid: list[Charge], *, at: dict[int, datetime], actor: str) -> None:
    """The paid charges in one UPDATE each's audit row (as `transition` writes it), then what
    paying changes for the subscription and the account (BIL-12, ACC-4), as for one account."""
    for charge in paid:
        charge.status, charge.paid_at, charge.next_retry_at = ChargeStatus.PAID, at[charge.pk], None
    charges_paid_write(paid)
    for charge in paid:
        audit(
            account=charge.account,
            actor=actor,
            action=f"charge:{ChargeStatus.PAID}",
            reason="payment received",
            before=ChargeStatus.PENDING,
            after=ChargeStatus.PAID,
            domain=AuditDomain.BILLING,
            data={
                "charge": charge.pk,
                "amount": str(charge.amount),
                "currency": charge.currency,
                "attempt": charge.attempts,
                "code": charge.failure_code,
            },
        )
    overdue = set(
        Charge.objects.filter(subscription__in=[c.subscription_id for c in paid], status=ChargeStatus.FAILED)
        .exclude(kind=ChargeKind.REFUND)
        .values_list("subscription_id", flat=True)
    )
    for charge in paid:
        subscription, account = charge.subscription, charge.account
        if charge.subscription_id in overdue:
            continue
        if subscription.status == SubscriptionStatus.PAST_DUE:
            transition(subscription, to=SubscriptionStatus.ACTIVE, actor=actor, reason="overdue charges paid")
        if account.status in (AccountStatus.TRIAL, AccountStatus.SUSPENDED, AccountStatus.REACTIVATED):
            account_activate(account=account, actor=actor, reason="payment received", plan_name=subscription.plan.name)


def _after_commit(paid: list[Charge], invoices: dict[int, Invoice], *, waiting: set[int]) -> None:
    """Receipts (BIL-6: the Owner's language; one waits for its invoice's PDF and carries it,
    as for one account: `waiting`, registered in the batch's transaction) and PDFs, once
    committed."""
    for charge in paid:
        if charge.amount > 0 and charge.invoice_id not in waiting:
            with transaction.atomic():
                receipt_mail(charge, invoice=invoices.get(charge.invoice_id))
    if getattr(settings, "SUBSCRIPTIONS_INVOICE_PDF", True):
        for invoice in invoices.values():  # at once when committed; in a caller's transaction, after it
            if invoice.number:
                transaction.on_commit(partial(pdf_render_enqueue, invoice.pk))
