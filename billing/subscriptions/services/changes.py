"""BIL-2, BIL-3: a change of plan, seats or cycle is previewed, then applied with the preview's
own timestamp, so the customer is charged exactly what they saw. Upgrades apply now (annual:
prorated and charged; monthly: billed from the next period); downgrades, fewer seats and a cycle
switch wait for the next period."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import Account
from billing.subscriptions import proration
from billing.subscriptions.choices import ChargeKind, ChargeStatus
from billing.subscriptions.models import Charge, Plan, PlanPrice, PrepaidCredit, Subscription
from billing.subscriptions.selectors import (
    FEATURE_LABELS,
    NoPrice,
    prepaid_running,
    price_changed_since,
    subscription_terms,
    terms_of,
)
from billing.subscriptions.services.amounts import Amounts, amounts_each, amounts_for
from billing.subscriptions.services.audit_and_mail import subscription_audit
from billing.subscriptions.services.charges import charge_claim, charge_pay
from billing.subscriptions.services.prepaid import prepaid_end_after, prepaid_seats_change
from billing.subscriptions.services.prices import currency_of
from billing.subscriptions.services.refusals import StalePreview, SubscriptionError, decline_message
from billing.subscriptions.services.start import seats_check
from config.clock import now, seller_date

PREVIEW_VALID_FOR = timedelta(minutes=30)  # a preview older than this is re-shown, not charged
# BIL-10: while a prepayment runs, a seat change is neither charged nor scheduled: it applies now
# and moves the prepayment's end date (more seats: sooner; fewer: later). Every seat change —
# Min konto, the admin, the API — is applied here, so none can leave the prepayment behind.
PREPAID_SEATS = "prepaid_seats"


@dataclass(frozen=True)
class ChangePreview:
    quote: proration.Quote
    amounts: Amounts  # what is charged now (zero unless the annual upgrade case)
    next_amounts: Amounts  # what the next period bills
    lost_features: list[str]
    removed_seats: int
    prepaid: PrepaidCredit | None = None  # the prepayment running now (BIL-10)
    prepaid_ends_at: datetime | None = None  # when it would end after the change

    @property
    def at(self) -> datetime:
        return self.quote.at

    @property
    def next_period_from(self) -> datetime:
        """When the next period (and its price) starts: the prepayment's new end, or the period's."""
        return self.prepaid_ends_at or self.quote.period.end


def change_preview(
    *, subscription: Subscription, plan: Plan, seats: int, cycle: str, at: datetime | None = None
) -> ChangePreview:
    """What a change would do at `at` (default: now): the exact amount charged now, what the next
    period costs, and what a downgrade loses."""
    seats_check(plan, seats)
    at = at or now()
    credit = prepaid_running(subscription, at)
    if credit is not None:
        return _prepaid_preview(subscription=subscription, credit=credit, plan=plan, seats=seats, cycle=cycle, at=at)
    # Issue 14: the current plan's and the target's price in one read; the target's gives the
    # currency too.
    prices = _prices_at(plans=[subscription.plan, plan], at=at)
    current = terms_of(
        plan=subscription.plan,
        seats=subscription.seats,
        cycle=subscription.cycle,
        at=at,
        included_seats=subscription.included_seats,
        price=prices[subscription.plan.pk],
    )
    price = prices[plan.pk]
    target = terms_of(
        plan=plan, seats=seats, cycle=cycle, at=at, included_seats=subscription.included_seats, price=price
    )
    currency = price.currency
    quote = proration.quote_change(current=current, target=target, anchor=subscription.anchor, at=at, currency=currency)
    lost = [str(FEATURE_LABELS.get(code, code)) for code in subscription.plan.features if code not in plan.features]
    amounts, next_amounts = amounts_each(
        account=subscription.account, nets=[quote.amount, quote.next_period_price], currency=currency, at=at
    )
    return ChangePreview(
        quote=quote,
        amounts=amounts,
        next_amounts=next_amounts,
        lost_features=lost,
        removed_seats=max(subscription.seats - seats, 0),
    )


def _prices_at(*, plans: list[Plan], at: datetime) -> dict[int, PlanPrice]:
    """Each plan's price version in force at `at`, as selectors.price_at chooses it (the newest
    version that has taken effect), in one query."""
    prices = {
        price.plan_id: price
        for price in PlanPrice.objects.filter(plan__in=plans, effective_from__lte=at)
        .order_by("plan_id", "-effective_from", "-id")
        .distinct("plan_id")
    }
    for plan in plans:
        if plan.pk not in prices:
            raise NoPrice(plan.code)
    return prices


def _prepaid_preview(
    *, subscription: Subscription, credit: PrepaidCredit, plan: Plan, seats: int, cycle: str, at: datetime
) -> ChangePreview:
    """BIL-10: during a prepayment only the seats change, at no charge; the prepaid seat-time is
    kept, so the end date moves in proportion."""
    if plan != subscription.plan or cycle != subscription.cycle:
        raise SubscriptionError(
            _("A prepayment runs until %(date)s. Until then only the number of agents can change.")
            % {"date": formats.date_format(timezone.localtime(credit.ends_at), "DATE_FORMAT")}
        )
    ends = prepaid_end_after(credit, seats, at)
    currency = currency_of(plan, at)
    current = subscription_terms(subscription, at)
    target = terms_of(plan=plan, seats=seats, cycle=cycle, at=at, included_seats=subscription.included_seats)
    zero = Decimal("0.00")
    quote = proration.Quote(
        at=at,
        period=proration.Period(at, ends),
        current=current,
        target=target,
        effect=PREPAID_SEATS if seats != credit.seats else proration.NO_CHANGE,
        amount=zero,
        currency=currency,
        used_part=zero,
        new_remainder=zero,
        next_period_price=target.price,
    )
    account = subscription.account
    return ChangePreview(
        quote=quote,
        amounts=amounts_for(account=account, net=zero, currency=currency, at=at),
        next_amounts=amounts_for(account=account, net=target.price, currency=currency, at=ends),
        lost_features=[],
        removed_seats=max(credit.seats - seats, 0),
        prepaid=credit,
        prepaid_ends_at=ends,
    )


@dataclass(frozen=True)
class ChangeOutcome:
    effect: str
    charge: Charge | None
    ok: bool
    message: str | Promise


def change_apply(
    *,
    subscription: Subscription,
    plan: Plan,
    seats: int,
    cycle: str,
    quote_at: datetime,
    expected_amount: Decimal,
    actor: str,
) -> ChangeOutcome:
    """Apply a previewed change. The amount is recomputed with the preview's own timestamp and
    must equal what the customer saw; a preview older than 30 minutes or than a price change is
    refused (StalePreview) and shown again. The same preview submitted twice charges once."""
    key = f"change:{subscription.pk}:{quote_at.isoformat()}:{plan.code}:{seats}:{cycle}"
    with transaction.atomic():
        # Serialise changes of one subscription: a double click waits here, then finds the key.
        subscription = (
            Subscription.objects.select_for_update().select_related("account", "plan").get(pk=subscription.pk)
        )
        done = Charge.objects.filter(key=key).first()
        if done is not None:
            return _outcome(proration.UPGRADE_NOW, done)
        at = now()
        if quote_at > at or at - quote_at > PREVIEW_VALID_FOR:
            raise StalePreview(_("The preview has expired. Please check the new preview and confirm again."))
        if price_changed_since(plan_codes=[plan.code, subscription.plan.code], since=quote_at, at=at):
            raise StalePreview(
                _("Prices have changed since the preview. Please check the new preview and confirm again.")
            )
        preview = change_preview(subscription=subscription, plan=plan, seats=seats, cycle=cycle, at=quote_at)
        if preview.amounts.gross != expected_amount:
            raise StalePreview(_("The subscription changed since the preview. Please check the new preview."))
        quote = preview.quote
        if quote.effect == proration.NO_CHANGE:
            return ChangeOutcome(quote.effect, None, True, _("Nothing to change."))
        if quote.effect == PREPAID_SEATS and preview.prepaid is not None:
            credit = prepaid_seats_change(credit=preview.prepaid, seats=seats, actor=actor)
            return ChangeOutcome(
                quote.effect,
                None,
                True,
                _("The prepayment now covers %(seats)s agents and ends on %(date)s.")
                % {"seats": seats, "date": formats.date_format(timezone.localtime(credit.ends_at), "DATE_FORMAT")},
            )
        if quote.effect == proration.AT_NEXT_PERIOD:
            subscription.pending_plan = plan if plan != subscription.plan else None
            subscription.pending_seats = seats if seats != subscription.seats else None
            subscription.pending_cycle = cycle if cycle != subscription.cycle else ""
            subscription.save()
            subscription_audit(
                account=subscription.account,
                actor=actor,
                action="change_scheduled",
                plan=plan.code,
                seats=seats,
                cycle=cycle,
            )
            return ChangeOutcome(
                quote.effect,
                None,
                True,
                _("The change takes effect on %(date)s, at the start of the next period.")
                % {"date": formats.date_format(seller_date(subscription.period_end), "DATE_FORMAT")},
            )
        if quote.effect == proration.UPGRADE_NOW_UNCHARGED:
            # BIL-2, monthly: the upgrade applies now; the new rate is billed from the next period.
            before = f"{subscription.plan.code}×{subscription.seats}"
            subscription.plan, subscription.seats = plan, seats
            subscription.pending_plan, subscription.pending_seats, subscription.pending_cycle = None, None, ""
            subscription.save()
            Account.objects.filter(pk=subscription.account_id).update(plan_name=plan.name)
            subscription_audit(
                account=subscription.account,
                actor=actor,
                action="upgraded",
                before=before,
                after=f"{plan.code}×{seats}",
            )
            return ChangeOutcome(quote.effect, None, True, _("Upgraded. The new price is billed from the next period."))
        charge = charge_claim(
            subscription=subscription,
            kind=ChargeKind.UPGRADE,
            key=key,
            period=proration.Period(quote_at, quote.period.end),
            amounts=preview.amounts,
            description=_upgrade_description(subscription, plan, seats, quote),
            terms={"plan": plan.code, "seats": seats},
        )
        if charge is None:  # claimed by a concurrent submit of the same preview
            return _outcome(quote.effect, Charge.objects.get(key=key))
        charge = charge_pay(charge_id=charge.pk, actor=actor)
        return _outcome(quote.effect, charge)


def _upgrade_description(subscription: Subscription, plan: Plan, seats: int, quote: proration.Quote) -> str:
    with translation.override(subscription.account.language):
        return _("Upgrade to %(plan)s, %(seats)s agents, prorated %(start)s – %(end)s") % {
            "plan": plan.name,
            "seats": seats,
            # BIL-17: from the seller's day of the change to the period's last day.
            "start": formats.date_format(seller_date(quote.at), "SHORT_DATE_FORMAT"),
            "end": formats.date_format(quote.period.last_day, "SHORT_DATE_FORMAT"),
        }


def _outcome(effect: str, charge: Charge) -> ChangeOutcome:
    if charge.status == ChargeStatus.PAID:
        return ChangeOutcome(
            effect, charge, True, _("Upgraded. The prorated amount was charged and a receipt e-mailed.")
        )
    return ChangeOutcome(effect, charge, False, decline_message(charge.failure_code))
