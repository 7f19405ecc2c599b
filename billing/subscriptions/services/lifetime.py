"""LTD-4, LTD-5: a lifetime-code account holds a subscription to the all-inclusive plan whose first
seats are included for life; its monthly renewals bill only the users beyond them, in arrears."""

from datetime import datetime
from decimal import Decimal

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists, tenant_context

from accounts.models import Account, LifetimeCode
from accounts.workspace.models import UsageSnapshot
from billing.subscriptions import proration
from billing.subscriptions.choices import Cycle
from billing.subscriptions.models import Plan, Subscription
from billing.subscriptions.selectors import terms_of
from config.clock import seller_date, seller_midnight

LIFETIME_PLAN = "all-inclusive"  # LTD-4/5: the plan a lifetime code gives, and the price of extra users


def lifetime_extra_lines(subscription: Subscription, period: proration.Period) -> list[tuple[str, Decimal, Decimal]]:
    """LTD-5: users beyond the lifetime package, billed monthly in arrears for the days each was
    active (from the daily user counts), at the regular all-inclusive price per user-month."""
    if subscription.included_seats == 0:
        return []

    account = subscription.account
    if account.deleted_at is not None or not schema_exists(account.schema_name):
        return []
    with tenant_context(account):
        counts = list(
            UsageSnapshot.objects.filter(day__gte=period.first_day, day__lte=period.last_day).values_list(
                "user_count", flat=True
            )
        )
    extra_days = sum(max(count - subscription.included_seats, 0) for count in counts)
    if not extra_days:
        return []
    days = (period.last_day - period.first_day).days + 1
    price = terms_of(plan=Plan.objects.get(code=LIFETIME_PLAN), seats=1, cycle=Cycle.MONTHLY, at=period.start)
    with translation.override(account.language):
        text = _("Users beyond the lifetime package: %(days)s user-days, %(start)s – %(end)s") % {
            "days": extra_days,
            "start": formats.date_format(period.first_day, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(period.last_day, "SHORT_DATE_FORMAT"),
        }
    return [(text, (Decimal(extra_days) / days).quantize(Decimal("0.001")), price.unit_price)]


def lifetime_subscription_ensure(*, account: Account, at: datetime) -> Subscription | None:
    """LTD-4: a lifetime-code account holds a subscription to the all-inclusive plan whose first
    seats are included for life; its monthly renewals bill only the users beyond them."""

    code = LifetimeCode.objects.filter(account=account).select_related("batch").first()
    if code is None:
        return None
    existing = Subscription.objects.filter(account=account).first()
    if existing is not None:
        return existing
    start = seller_midnight(seller_date(at).replace(day=1))  # BIL-17: the 1st of the seller's month
    subscription = Subscription(
        account=account,
        plan=Plan.objects.get(code=LIFETIME_PLAN),
        seats=code.batch.seats,
        included_seats=code.batch.seats,
        cycle=Cycle.MONTHLY,
        anchor=start,
        period_start=start,
        period_end=proration.add_months(start, 1),
        created_at=at,
    )
    subscription.full_clean()
    subscription.save()
    return subscription
