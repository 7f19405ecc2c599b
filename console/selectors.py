"""What the staff console reads: one customer's file, a search across the apps, today's queue.
Reads only; every write stays with the admin actions of the app that owns it."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django_tenants.utils import schema_context

from accounts.models import Account, CancellationRequest, MailLog, SharedLoginFlag
from accounts.users.models import User
from billing.models import BillingProfile, CreditNote, Invoice
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge, ChargeAttempt, Subscription
from billing.thresholds import tax_alerts as billing_tax_alerts
from config.clock import now, seller_date
from core.across import model_rows, schemas_existing
from core.audit import describe
from core.models import AuditDomain, AuditEvent
from einvoicing.models import Delivery, DeliveryStatus
from privacy.models import PrivacyRequest, RequestKind, RequestStatus

HITS_LIMIT = 50
USERS_PER_ACCOUNT = 5
OPEN_REQUEST = [RequestStatus.UNVERIFIED, RequestStatus.OPEN, RequestStatus.HANDED_OVER]


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    text: str
    actor: str
    reason: str


@dataclass
class CustomerFile:
    account: Account
    history: list[HistoryRow]
    subscription: Subscription | None
    invoices: list[Invoice]
    credit_notes: list[CreditNote]
    charges: list[Charge]
    mails: list[MailLog]
    privacy_requests: list[PrivacyRequest]
    support: list[HistoryRow]
    shared_login_flags: list[SharedLoginFlag]
    cancellations: list[CancellationRequest]
    users: list[User] = field(default_factory=list)


def _rows(events: Any) -> list[HistoryRow]:
    return [HistoryRow(e.occurred_at, describe(e), e.actor_label, e.reason) for e in events]


def _users_of(account: Account) -> list[User]:
    if account.deleted_at:
        return []
    with schema_context(account.schema_name):
        return list(User.objects.order_by("email")[:100])


def _linked(objects: Any) -> list[Any]:
    rows = list(objects)
    for row in rows:
        row.admin_link = _admin(row)
    return rows


def customer_file(account: Account) -> CustomerFile:
    events = AuditEvent.objects.filter(account_id=account.pk)
    users = _users_of(account)
    emails = [u.email for u in users]
    return CustomerFile(
        account=account,
        history=_rows(events.exclude(domain=AuditDomain.SUPPORT)[:100]),
        subscription=Subscription.objects.filter(account=account).select_related("plan").first(),
        invoices=_linked(Invoice.objects.filter(account=account)[:100]),
        credit_notes=_linked(CreditNote.objects.filter(account=account)[:100]),
        charges=_linked(Charge.objects.filter(account=account).order_by("-period_start")[:50]),
        mails=list(MailLog.objects.filter(account=account)[:100]),
        privacy_requests=_linked(PrivacyRequest.objects.filter(Q(account=account) | Q(email__in=emails))[:100]),
        support=_rows(events.filter(domain=AuditDomain.SUPPORT)[:100]),
        shared_login_flags=list(SharedLoginFlag.objects.filter(account=account)),
        cancellations=list(CancellationRequest.objects.filter(account=account)),
        users=users,
    )


@dataclass(frozen=True)
class Hit:
    account: Account
    what: str  # what matched, in the reader's words (a field label)
    value: str


def search(query: str) -> list[Hit]:
    """Accounts matching `query` by name, slug or address, invoice or credit-note number, VAT
    number, billing or mail e-mail, privacy request, or a user's e-mail in any account."""
    q = query.strip()
    if len(q) < 2:
        return []
    hits: list[Hit] = []
    seen: set[tuple[int, str, str]] = set()

    def add(account: Account | None, what: Any, value: str) -> None:
        if account is None or (account.pk, str(what), value) in seen or len(hits) >= HITS_LIMIT:
            return
        seen.add((account.pk, str(what), value))
        hits.append(Hit(account, str(what), value))

    accounts = Account.objects.customers()
    for account in accounts.filter(Q(name__icontains=q) | Q(slug__icontains=q) | Q(domains__domain__icontains=q)):
        add(account, Account._meta.verbose_name, account.name)
    for doc in Invoice.objects.filter(number__iexact=q).select_related("account"):
        add(doc.account, Invoice._meta.verbose_name, doc.number)
    for doc in CreditNote.objects.filter(number__iexact=q).select_related("account"):
        add(doc.account, CreditNote._meta.verbose_name, doc.number)
    profiles = BillingProfile.objects.filter(
        Q(vat_number__iexact=q.replace(" ", "")) | Q(email__iexact=q) | Q(company__icontains=q)
    )
    for profile in profiles.select_related("account"):
        add(profile.account, BillingProfile._meta.verbose_name, profile.vat_number or profile.email)
    for mail in MailLog.objects.filter(recipient__iexact=q, account__isnull=False).select_related("account")[:20]:
        add(mail.account, MailLog._meta.verbose_name, mail.recipient)
    for request in PrivacyRequest.objects.filter(email__iexact=q, account__isnull=False).select_related("account"):
        add(request.account, PrivacyRequest._meta.verbose_name, request.reference)
    if "@" in q or len(q) >= 3:
        for account, user in _users_matching(q, list(accounts.filter(deleted_at__isnull=True).order_by("pk"))):
            add(account, User._meta.verbose_name, user.email)
    return hits


def _users_matching(q: str, accounts: list[Account]) -> list[tuple[Account, User]]:
    """Users whose e-mail or name contains `q` in every live account, a few per account: one
    UNION ALL per 200 schemas (core.across, issue 14), never a schema switch per account."""
    by_id = {a.pk: a for a in accounts}
    schemas = schemas_existing({a.pk: a.schema_name for a in accounts})
    like = f"%{connection.ops.prep_for_like_query(q)}%"
    found = model_rows(
        User,
        schemas,
        where="(t.email::text ILIKE %s OR t.full_name ILIKE %s)",
        params=[like, like],
        limit=USERS_PER_ACCOUNT,
    )
    return [(by_id[account_id], user) for account_id in sorted(found) for user in found[account_id]]


@dataclass(frozen=True)
class QueueItem:
    account: Account | None
    title: str
    due: Any
    overdue: bool
    link: str


@dataclass
class Today:
    privacy_requests: list[QueueItem]
    cancellations: list[QueueItem]
    failed_payments: list[QueueItem]
    enterprise_candidates: list[QueueItem]
    objections: list[QueueItem]
    # BIL-14: e-invoices held back by validation or rejected by the Peppol network.
    einvoice_problems: list[QueueItem] = field(default_factory=list)
    # BIL-15/BIL-16: a VAT registration that is due, documents waiting for an exchange rate.
    tax_alerts: list[QueueItem] = field(default_factory=list)


def _admin(obj: Any) -> str:
    try:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def today_queue() -> Today:
    moment = now()
    day = seller_date(moment)  # BIL-17: the seller's day, as the deadlines are
    requests = PrivacyRequest.objects.filter(status__in=OPEN_REQUEST).select_related("account")
    due_soon = requests.exclude(kind=RequestKind.OBJECTION).filter(due_on__lte=day + timedelta(days=7))
    cancellations = CancellationRequest.objects.filter(confirmed_at__isnull=True).select_related("account")
    failed = Charge.objects.filter(status=ChargeStatus.FAILED).select_related("account")
    last_attempt = {
        a.charge_id: a.at for a in ChargeAttempt.objects.filter(charge__in=failed).order_by("charge_id", "at")
    }
    candidates = AuditEvent.objects.filter(action="enterprise_candidate", occurred_at__gte=moment - timedelta(days=31))
    by_id = Account.all_objects.in_bulk({e.account_id for e in candidates if e.account_id})
    return Today(
        privacy_requests=[
            QueueItem(r.account, f"{r.reference} · {r.get_kind_display()}", r.due_on, r.due_on < day, _admin(r))
            for r in due_soon
        ],
        cancellations=[
            QueueItem(c.account, c.sender, c.confirm_by, c.confirm_by < moment, _admin(c)) for c in cancellations
        ],
        failed_payments=[
            QueueItem(c.account, f"{c.description} · {c.amount} {c.currency}", last_attempt.get(c.pk), False, _admin(c))
            for c in failed
        ],
        enterprise_candidates=[
            QueueItem(by_id.get(e.account_id), describe(e), e.occurred_at, False, _admin(e)) for e in candidates
        ],
        objections=[
            QueueItem(r.account, f"{r.reference} · {r.email}", r.due_on, r.due_on < day, _admin(r))
            for r in requests.filter(kind=RequestKind.OBJECTION)
        ],
        einvoice_problems=[
            QueueItem(
                d.document.account,
                f"{d.document.number} · {d.get_status_display()} · {d.reason}",
                d.updated_at,
                True,
                _admin(d),
            )
            for d in Delivery.objects.filter(status__in=[DeliveryStatus.REJECTED, DeliveryStatus.HELD])
            .select_related("document__account")
            .order_by("-updated_at")[:50]
        ],
        tax_alerts=[QueueItem(None, alert.text, None, True, alert.url) for alert in billing_tax_alerts(day=day)],
    )
