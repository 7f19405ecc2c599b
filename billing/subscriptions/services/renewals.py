"""BIL-1: the billing run. Each account is billed in advance for every period that has started,
applying the changes waiting for it (BIL-3), with the shared-login surcharge (ACC-8) and the
lifetime extras (LTD-5) on the renewal; overdue charges are retried by dunning (dunning.py)."""

from datetime import datetime
from decimal import Decimal

from accounts.models import Account, AccountStatus
from billing.subscriptions import proration
from billing.subscriptions.choices import ChargeKind, SubscriptionStatus
from billing.subscriptions.models import Charge, Subscription
from billing.subscriptions.selectors import subscription_terms
from billing.subscriptions.services.amounts import lines_amounts
from billing.subscriptions.services.charges import charge_build, period_description
from billing.subscriptions.services.lifetime import lifetime_extra_lines
from billing.subscriptions.services.prices import currency_of
from billing.subscriptions.services.shared_login_surcharge import shared_login_surcharge_lines


def renewal_charges(*, subscription: Subscription, at: datetime) -> list[Charge]:
    """Advance the (locked) subscription in memory through every period started by `at` and
    return one unsaved renewal charge per period; the caller saves both (one account or a batch)."""
    charges: list[Charge] = []
    while subscription.status != SubscriptionStatus.ENDED and subscription.period_end <= at:
        previous = proration.Period(subscription.period_start, subscription.period_end)
        start = subscription.period_end
        if subscription.pending_cycle and subscription.pending_cycle != subscription.cycle:
            subscription.cycle = subscription.pending_cycle
            subscription.anchor = start  # a new cycle counts its periods from its first day
        subscription.plan = subscription.pending_plan or subscription.plan
        subscription.seats = subscription.pending_seats or subscription.seats
        subscription.pending_plan, subscription.pending_seats, subscription.pending_cycle = None, None, ""
        # The next period starts where the last one ended (never overlapping it) and ends on the
        # anchor's next boundary.
        period = proration.period_from(subscription.anchor, subscription.cycle, start)
        subscription.period_start, subscription.period_end = period.start, period.end
        terms = subscription_terms(subscription, period.start)
        currency = currency_of(subscription.plan, period.start)
        description = period_description(
            subscription, subscription.plan, subscription.seats, subscription.cycle, period
        )
        lines = [
            (description, Decimal("1"), terms.price),
            *shared_login_surcharge_lines(subscription, period),
            *lifetime_extra_lines(subscription, previous),
        ]
        charges.append(
            charge_build(
                subscription=subscription,
                kind=ChargeKind.RENEWAL,
                key=f"renewal:{subscription.pk}:{period.start.isoformat()}",
                period=period,
                amounts=lines_amounts(account=subscription.account, lines=lines, currency=currency, at=period.start),
                description=description,
                lines=lines,
            )
        )
    return charges


def billing_due(*, account: Account, at: datetime) -> Subscription | None:
    """The account's subscription when a period has started by `at` and the account is billable."""
    if account.status not in (AccountStatus.ACTIVE, AccountStatus.REACTIVATED):
        return None
    return Subscription.objects.filter(
        account=account, status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE], period_end__lte=at
    ).first()
