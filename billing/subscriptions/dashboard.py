"""The staff dashboard's figures: MRR, accounts by status, trial conversions, failed payments,
month by month over a chosen period. Reads only."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, AccountStatus
from billing.subscriptions.choices import ChargeKind, ChargeStatus
from billing.subscriptions.models import Charge, ChargeAttempt
from config.clock import now
from core.models import AuditDomain, AuditEvent


def months_between(start: date, end: date) -> list[date]:
    """First days of the months from `start`'s month to `end`'s month."""
    months, cursor = [], start.replace(day=1)
    while cursor <= end:
        months.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return months


@dataclass(frozen=True)
class Bar:
    """One month's bar, with its place in a 320 × 130 SVG."""

    label: str
    value: Decimal | int
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Series:
    title: str
    bars: list[Bar]


def _series(title: str, months: list[date], values: dict[date, Decimal | int]) -> Series:
    top = max([values.get(m, 0) for m in months] + [0])
    step = 300 // max(len(months), 1)
    bars = []
    for i, month in enumerate(months):
        value = values.get(month, 0)
        height = int(90 * value / top) if top else 0
        bars.append(Bar(month.strftime("%Y-%m"), value, 10 + i * step, 105 - height, max(step - 6, 2), height))
    return Series(title, bars)


def _month_end(month: date) -> datetime:
    following = (month + timedelta(days=32)).replace(day=1)
    return timezone.make_aware(datetime.combine(following, time.min)) - timedelta(seconds=1)


def mrr_at(moment: datetime) -> Decimal:
    charges = Charge.objects.filter(
        kind__in=[ChargeKind.FIRST, ChargeKind.RENEWAL],
        status=ChargeStatus.PAID,
        period_start__lte=moment,
        period_end__gt=moment,
    ).values_list("period_start", "period_end", "net_amount")
    total = sum((net / 12 if (end - start).days > 40 else net for start, end, net in charges), Decimal("0.00"))
    return total.quantize(Decimal("0.01"))


def mrr_by_month(months: list[date]) -> dict[date, Decimal]:
    """Monthly recurring revenue (net) at each month's end: the subscription charges whose period
    covers that moment, annual ones counted as a twelfth."""
    if not months:
        return {}
    first, last = _month_end(months[0]), _month_end(months[-1])
    charges = Charge.objects.filter(
        kind__in=[ChargeKind.FIRST, ChargeKind.RENEWAL],
        status=ChargeStatus.PAID,
        period_start__lte=last,
        period_end__gt=first,
    ).values_list("period_start", "period_end", "net_amount")
    result: dict[date, Decimal] = {}
    for month in months:
        moment = _month_end(month)
        total = Decimal("0.00")
        for start, end, net in charges:
            if start <= moment < end:
                total += net / 12 if (end - start).days > 40 else net
        result[month] = total.quantize(Decimal("0.01"))
    return result


@dataclass(frozen=True)
class Dashboard:
    start: date
    end: date
    by_status: list[tuple[str, int]]
    mrr_now: Decimal
    # Trial conversion = trials that converted / trials that ENDED in the period (not trials
    # started): a trial started in March that converts in April counts in April, and a trial
    # still running is in neither figure. "Ended" is any move out of trial (to active,
    # suspended, cancelled or closed) recorded in the audit trail in the period.
    conversion_rate: Decimal | None
    trials_converted: int
    trials_ended: int
    series: list[Series]


def dashboard(*, start: date, end: date) -> Dashboard:
    months = months_between(start, end)
    since = timezone.make_aware(datetime.combine(start.replace(day=1), time.min))
    until = _month_end(months[-1]) if months else since
    counts = dict(Account.objects.customers().values_list("status").annotate(n=Count("id")))
    by_status = [(str(label), counts.get(value, 0)) for value, label in AccountStatus.choices]

    def monthly(queryset, field: str, aggregate) -> dict[date, Decimal | int]:  # type: ignore[no-untyped-def]
        rows = queryset.annotate(month=TruncMonth(field)).values("month").annotate(v=aggregate)
        return {timezone.localdate(row["month"]).replace(day=1): row["v"] or 0 for row in rows}

    paid = monthly(
        Charge.objects.filter(status=ChargeStatus.PAID, paid_at__range=(since, until)), "paid_at", Sum("amount")
    )
    failed = monthly(ChargeAttempt.objects.filter(succeeded=False, at__range=(since, until)), "at", Count("id"))
    moves = AuditEvent.objects.filter(
        domain=AuditDomain.ACCOUNT, action__startswith="status:", occurred_at__range=(since, until)
    )
    conversions = monthly(
        moves.filter(action="status:active", before=AccountStatus.TRIAL.value), "occurred_at", Count("id")
    )
    trials = monthly(Account.objects.customers().filter(created_at__range=(since, until)), "created_at", Count("id"))
    ended = moves.filter(before=AccountStatus.TRIAL.value).exclude(after=AccountStatus.TRIAL.value)
    converted = ended.filter(after=AccountStatus.ACTIVE.value).count()
    total_ended = ended.count()
    mrr = mrr_by_month(months)
    return Dashboard(
        start=start,
        end=end,
        by_status=by_status,
        mrr_now=mrr_at(now()),
        conversion_rate=(Decimal(100 * converted) / total_ended).quantize(Decimal("0.1")) if total_ended else None,
        trials_converted=converted,
        trials_ended=total_ended,
        series=[
            _series(_("Monthly recurring revenue at month end (net)"), months, mrr),
            _series(_("Payments collected (gross)"), months, paid),
            _series(_("Failed payment attempts"), months, failed),
            _series(_("Trials started"), months, trials),
            _series(_("Trials converted to a paid plan"), months, conversions),
        ],
    )
