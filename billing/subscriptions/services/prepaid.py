"""BIL-10: an annual prepayment for a number of seats, spent in seat-time: more seats end it
sooner, fewer later; when it is discontinued the unused value is refunded less the staff's fee,
as a credit note on the prepayment invoice."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _

from billing.models import Invoice
from billing.services.corrections import credit_note_issue
from billing.subscriptions import proration
from billing.subscriptions.choices import ChargeKind, ChargeStatus, Cycle, PrepaidStatus, SubscriptionStatus
from billing.subscriptions.gateway import gateway_for
from billing.subscriptions.models import BillingSettings, Charge, PrepaidCredit, Subscription
from billing.subscriptions.selectors import terms_of
from billing.subscriptions.services.amounts import Amounts, amounts_for
from billing.subscriptions.services.audit_and_mail import owner_mail, subscription_audit
from billing.subscriptions.services.charges import charge_claim, charge_pay
from billing.subscriptions.services.prices import currency_of
from billing.subscriptions.services.refusals import PaymentDeclined, StalePreview, SubscriptionError, decline_message
from billing.subscriptions.services.start import seats_check
from config.clock import now, seller_date
from core.transitions import transition


@dataclass(frozen=True)
class PrepaidQuote:
    """What a prepayment sold at `at` costs (net, VAT, total) and until when it runs."""

    seats: int
    amounts: Amounts
    starts_at: datetime
    ends_at: datetime


def prepaid_quote(*, subscription: Subscription, seats: int, at: datetime | None = None) -> PrepaidQuote:
    """BIL-10: 12 months for `seats` at the plan's annual price, with the account's VAT. A
    prepayment for no agent is refused before anything is computed or charged."""
    if seats < 1:
        raise SubscriptionError(_("A prepayment needs at least one agent. Nothing was charged."))
    seats_check(subscription.plan, seats)
    at = at or now()
    terms = terms_of(plan=subscription.plan, seats=seats, cycle=Cycle.ANNUAL, at=at)
    amounts = amounts_for(
        account=subscription.account, net=terms.price, currency=currency_of(subscription.plan, at), at=at
    )
    return PrepaidQuote(seats, amounts, at, proration.add_months(at, 12))


def prepaid_buy(
    *, subscription: Subscription, seats: int, actor: str, expected_amount: Decimal | None = None
) -> PrepaidCredit:
    """Prepay 12 months for `seats` at the plan's annual price. Renewals pause until the credit
    is spent; paid → invoice and receipt, declined → nothing. With `expected_amount` (the total
    staff confirmed), a different total is refused and nothing is charged."""
    quote = prepaid_quote(subscription=subscription, seats=seats)
    if expected_amount is not None and quote.amounts.gross != expected_amount:
        raise StalePreview(_("The price has changed since it was shown. Please check the new total."))
    at, ends = quote.starts_at, quote.ends_at
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().select_related("account", "plan").get(pk=subscription.pk)
        )
        if subscription.status == SubscriptionStatus.ENDED:
            raise SubscriptionError(_("The subscription has ended. Nothing was charged."))
        if PrepaidCredit.objects.filter(
            subscription=subscription, status=PrepaidStatus.ACTIVE, ends_at__gt=at
        ).exists():
            raise SubscriptionError(_("A prepayment is running already."))
        with translation.override(subscription.account.language):
            description = _("Annual prepayment: %(plan)s, %(seats)s agents, 12 months from %(start)s") % {
                "plan": subscription.plan.name,
                "seats": seats,
                "start": formats.date_format(seller_date(at), "SHORT_DATE_FORMAT"),
            }
        charge = charge_claim(
            subscription=subscription,
            kind=ChargeKind.PREPAID,
            key=f"prepaid:{subscription.pk}:{at.isoformat()}",
            period=proration.Period(at, ends),
            amounts=quote.amounts,
            description=description,
        )
        if charge is None:
            raise SubscriptionError(_("A prepayment is running already."))
        charge = charge_pay(charge_id=charge.pk, actor=actor)
        if charge.status != ChargeStatus.PAID:
            # charge_pay has abandoned it already: a declined prepayment owes nothing.
            raise PaymentDeclined(decline_message(charge.failure_code), code=charge.failure_code)
        credit = PrepaidCredit.objects.create(
            account=subscription.account,
            subscription=subscription,
            charge=charge,
            value=charge.net_amount,
            currency=charge.currency,
            seats_bought=seats,
            seats=seats,
            seat_seconds=seats * int((ends - at).total_seconds()),
            started_at=at,
            ends_at=ends,
        )
        _prepaid_carry(subscription, credit)
        subscription_audit(
            account=subscription.account, actor=actor, action="prepaid_bought", seats=seats, value=charge.net_amount
        )
    return credit


def _prepaid_carry(subscription: Subscription, credit: PrepaidCredit) -> None:
    """The subscription is paid up to the credit's end; its next period starts there."""
    subscription.seats = credit.seats
    subscription.period_start = credit.started_at
    subscription.period_end = subscription.anchor = credit.ends_at
    subscription.save()


def prepaid_left(credit: PrepaidCredit, at: datetime) -> Decimal:
    """The unused value at `at`: the seat-time still to come, at the price of the seat-time bought."""
    seconds_left = max(int((credit.ends_at - at).total_seconds()), 0)
    return proration.money(credit.value * credit.seats * seconds_left / credit.seat_seconds)


def prepaid_end_after(credit: PrepaidCredit, seats: int, at: datetime) -> datetime:
    """BIL-10: when the credit ends if it covers `seats` from `at` on: the seat-time left is
    kept, so twice the seats last half as long."""
    seconds_left = max((credit.ends_at - at).total_seconds(), 0)
    return at + timedelta(seconds=int(seconds_left * credit.seats / seats))


@transaction.atomic
def prepaid_seats_change(*, credit: PrepaidCredit, seats: int, actor: str) -> PrepaidCredit:
    """BIL-10: the seat-time left is kept; more seats end the credit sooner, fewer later."""
    credit = PrepaidCredit.objects.select_for_update().get(pk=credit.pk)
    subscription = Subscription.objects.select_for_update().select_related("plan").get(pk=credit.subscription_id)
    seats_check(subscription.plan, seats)
    at = now()
    if credit.status != PrepaidStatus.ACTIVE or credit.ends_at <= at:
        raise SubscriptionError(_("The prepayment has ended."))
    before = credit.ends_at
    credit.ends_at = prepaid_end_after(credit, seats, at)
    credit.seats = seats
    credit.save()
    _prepaid_carry(subscription, credit)
    subscription.period_start = at
    subscription.save(update_fields=["period_start"])
    subscription_audit(
        account=credit.account,
        actor=actor,
        action="prepaid_seats_changed",
        seats=seats,
        before=before,
        after=credit.ends_at,
    )
    return credit


@dataclass(frozen=True)
class PrepaidRefund:
    """What discontinuing at `at` gives back (net): the unused value less the staff's fee."""

    unused: Decimal
    fee_percent: Decimal
    refund_net: Decimal
    currency: str


def prepaid_refund(credit: PrepaidCredit, at: datetime) -> PrepaidRefund:
    unused = prepaid_left(credit, at) if credit.status == PrepaidStatus.ACTIVE else Decimal("0.00")
    fee_percent = BillingSettings.current().prepaid_cancellation_fee_percent
    return PrepaidRefund(unused, fee_percent, proration.money(unused * (100 - fee_percent) / 100), credit.currency)


@transaction.atomic
def prepaid_discontinue(*, credit: PrepaidCredit, actor: str) -> PrepaidCredit:
    """BIL-10: refund the unused value less the staff's cancellation fee, as a credit note
    referencing the prepayment invoice, and end the subscription."""

    credit = PrepaidCredit.objects.select_for_update().select_related("charge", "account").get(pk=credit.pk)
    if credit.status != PrepaidStatus.ACTIVE:
        raise SubscriptionError(_("The prepayment has been refunded already."))
    at = now()
    quote = prepaid_refund(credit, at)
    unused, fee_percent, refund_net = quote.unused, quote.fee_percent, quote.refund_net
    subscription = Subscription.objects.select_for_update().get(pk=credit.subscription_id)
    if subscription.status != SubscriptionStatus.ENDED:  # it ended already with a cancelled account (ACC-10)
        transition(
            subscription,
            to=SubscriptionStatus.ENDED,
            actor=actor,
            reason="prepayment discontinued (BIL-10)",
            ended_at=at,
            period_end=at,
        )
    refund, credit_note_number = None, ""
    if refund_net > 0:
        purchase = credit.charge
        # The credit note and the refund line are the customer's documents: their language, not
        # the language of the staff member who discontinued the prepayment.
        with translation.override(credit.account.language):
            reason = _(
                "Refund of the unused prepayment (%(unused)s %(currency)s) less the cancellation fee of %(fee)s %%."
            ) % {
                "unused": formats.number_format(unused, 2),
                "currency": credit.currency,
                # 50 %, 12,5 %: whole percentages without decimals
                "fee": formats.number_format(fee_percent.normalize() if fee_percent % 1 else int(fee_percent)),
            }
        note = credit_note_issue(
            invoice=Invoice.objects.get(pk=purchase.invoice_id),
            amount=refund_net,
            reason=reason,
            actor=actor,
            render_pdf=getattr(settings, "SUBSCRIPTIONS_INVOICE_PDF", True),
        )
        refund_gross = -note.gross_total
        method = purchase.payment_method
        result = gateway_for(method.gateway).refund(
            token=method.token,
            amount=refund_gross,
            currency=credit.currency,
            idempotency_key=f"refund:{purchase.key}",
            at=at,
        )
        # A refund is recorded as what the processor did: born refunded (or failed), never charged.
        refund = Charge.objects.create(
            account=credit.account,
            subscription=subscription,
            kind=ChargeKind.REFUND,
            status=ChargeStatus.REFUNDED if result.succeeded else ChargeStatus.FAILED,
            period_start=at,
            period_end=credit.ends_at,
            description=reason,
            net_amount=-note.net_total,
            vat_amount=-note.vat_total,
            amount=refund_gross,
            currency=credit.currency,
            key=f"refund:{purchase.key}",
            payment_method=method,
            gateway_ref=result.reference,
            invoice_number=note.number,
            refund_of=purchase,
            attempts=1,
            created_at=at,
            paid_at=at,
        )
        credit_note_number = note.number
        owner_mail(
            credit.account, "subscriptions_receipt", {"charge": refund, "method": str(method), "is_refund": True}
        )
    transition(
        credit,
        to=PrepaidStatus.REFUNDED,
        actor=actor,
        reason="discontinued (BIL-10)",
        refund=refund,
        credit_note_number=credit_note_number,
    )
    subscription_audit(
        account=credit.account,
        actor=actor,
        action="prepaid_discontinued",
        unused=unused,
        refund=refund_net,
        fee=fee_percent,
    )
    return credit
