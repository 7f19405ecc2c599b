"""BIL-4: a new price of a plan, at least 30 days after the notice e-mail to every Owner on it."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from billing.subscriptions.choices import SubscriptionStatus
from billing.subscriptions.models import Plan, PlanPrice, PriceNotice, Subscription
from billing.subscriptions.selectors import price_at
from billing.subscriptions.services.audit_and_mail import owner_mail
from billing.subscriptions.services.refusals import SubscriptionError
from config.clock import now

NOTICE_PERIOD = timedelta(days=30)  # BIL-4


@transaction.atomic
def plan_price_schedule(
    *, plan: Plan, monthly_per_agent: Decimal, annual_per_agent: Decimal, effective_from: datetime, actor: str
) -> PlanPrice:
    """Schedule a new price of `plan`. The notice goes now to the Owner of every account on (or
    moving to) the plan and is logged; existing subscriptions move on `effective_from`, which must
    be at least 30 days away."""
    at = now()
    if effective_from < at + NOTICE_PERIOD:
        raise SubscriptionError(
            _("A price change takes effect at the earliest 30 days after the notice, i.e. on %(date)s or later.")
            % {"date": formats.date_format(at + NOTICE_PERIOD, "DATE_FORMAT")}
        )
    current = (
        PlanPrice.objects.filter(plan=plan, effective_from__lte=effective_from).order_by("-effective_from").first()
    )
    price = PlanPrice(
        plan=plan,
        currency=current.currency if current else "USD",
        monthly_per_agent=monthly_per_agent,
        annual_per_agent=annual_per_agent,
        effective_from=effective_from,
        notice_sent_at=at,
        created_by=actor,
        created_at=at,
    )
    price.full_clean()
    price.save()
    affected = Subscription.objects.filter(
        Q(plan=plan) | Q(pending_plan=plan), status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE]
    ).select_related("account")
    for subscription in affected:
        log = owner_mail(
            subscription.account,
            "subscriptions_price_notice",
            {"plan": plan, "old": current, "new": price, "effective_from": effective_from},
        )
        PriceNotice.objects.create(
            price=price,
            account=subscription.account,
            recipient=log.recipient if log else "",
            mail=log,
            sent_at=at,
        )
    return price


def currency_of(plan: Plan, at: datetime) -> str:
    return price_at(plan=plan, at=at).currency
