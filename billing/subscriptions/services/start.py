"""ACC-4, BIL-1: with billing details and a payment method the paid plan starts and its first
period is billed at once; a declined payment leaves nothing behind but the error."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account
from billing.models import BillingProfile
from billing.subscriptions import proration
from billing.subscriptions.choices import ChargeKind, ChargeStatus
from billing.subscriptions.models import Plan, Subscription
from billing.subscriptions.selectors import payment_method_current, terms_of
from billing.subscriptions.services.amounts import Amounts, amounts_for
from billing.subscriptions.services.audit_and_mail import subscription_audit
from billing.subscriptions.services.charges import charge_claim, charge_pay, period_description
from billing.subscriptions.services.prices import currency_of
from billing.subscriptions.services.refusals import (
    NO_PAYMENT_METHOD,
    PaymentDeclined,
    SubscriptionError,
    decline_message,
)
from config.clock import now


def seats_check(plan: Plan, seats: int) -> None:
    if seats < 1:
        raise SubscriptionError(_("A subscription needs at least one seat."))
    if plan.seat_limit is not None and seats > plan.seat_limit:
        raise SubscriptionError(
            _("The %(plan)s plan allows at most %(limit)s agents.") % {"plan": plan.name, "limit": plan.seat_limit}
        )


def subscription_start(*, account: Account, plan: Plan, seats: int, cycle: str, actor: str) -> Subscription:
    """ACC-4: with billing details and a payment method the paid plan starts now and the first
    period is billed at once. A declined payment leaves nothing behind but the error."""

    seats_check(plan, seats)
    if Subscription.objects.filter(account=account).exists():
        raise SubscriptionError(_("This account has a subscription already; change it instead."))
    if not BillingProfile.objects.filter(account=account).exists():
        raise SubscriptionError(_("Please enter the billing details first."))
    if payment_method_current(account) is None:
        raise SubscriptionError(decline_message(NO_PAYMENT_METHOD), code=NO_PAYMENT_METHOD)
    at = now()
    period = proration.Period(at, proration.add_months(at, proration.MONTHS_IN_CYCLE[cycle]))
    with transaction.atomic():
        subscription = Subscription(
            account=account,
            plan=plan,
            seats=seats,
            cycle=cycle,
            anchor=at,
            period_start=period.start,
            period_end=period.end,
            created_at=at,
        )
        subscription.full_clean()
        subscription.save()
        terms = terms_of(plan=plan, seats=seats, cycle=cycle, at=at)
        amounts = amounts_for(account=account, net=terms.price, currency=currency_of(plan, at), at=at)
        charge = charge_claim(
            subscription=subscription,
            kind=ChargeKind.FIRST,
            key=f"first:{subscription.pk}:{at.isoformat()}",
            period=period,
            amounts=amounts,
            description=period_description(subscription, plan, seats, cycle, period),
        )
        assert charge is not None  # a brand-new subscription has no charges yet
        charge = charge_pay(charge_id=charge.pk, actor=actor)
        if charge.status != ChargeStatus.PAID:
            raise PaymentDeclined(decline_message(charge.failure_code), code=charge.failure_code)
        subscription_audit(
            account=account, actor=actor, action="subscription_started", plan=plan.code, seats=seats, cycle=cycle
        )
    return subscription


def subscription_start_quote(*, account: Account, plan: Plan, seats: int, cycle: str) -> Amounts:
    """What "Start and pay" charges now (net, VAT, total), shown before the Owner confirms: the
    same terms, currency and tax decision `subscription_start` charges with."""
    seats_check(plan, seats)
    at = now()
    terms = terms_of(plan=plan, seats=seats, cycle=cycle, at=at)
    return amounts_for(account=account, net=terms.price, currency=currency_of(plan, at), at=at)
