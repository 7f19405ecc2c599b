"""Services that move subscriptions and money.

- `plan_price_schedule` (BIL-4): a new price, ≥ 30 days after the notice e-mail to every Owner.
- `payment_method_add_card` / `payment_method_add_paypal` (BIL-7): the processor's token only.
- `subscription_start` (ACC-4, BIL-1): billing details + payment method → the paid plan starts and
  is billed at once.
- `change_preview` / `change_apply` (BIL-2, BIL-3): the same calculation at the same timestamp.
- `renewal_claim` + `charge_pay` (BIL-1): the billing run; dunning (BIL-12) is in dunning.py.

A charge is claimed (a row whose unique constraints make it the only one for its reason) before
the processor is called with an idempotency key derived from it; paying it issues the invoice
through the invoicing services, with the tax decision taken when the amount was computed, and
e-mails the Owner a receipt (BIL-6).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.mailer import mail_send
from accounts.models import Account, AccountStatus
from billing.subscriptions import proration
from billing.subscriptions.chargeable import account_chargeable_id, charge_abandon
from billing.subscriptions.gateway import (
    DECLINED,
    EXPIRED,
    INSUFFICIENT_FUNDS,
    INVALID_CVC,
    INVALID_EXPIRY,
    INVALID_NUMBER,
    ChargeResult,
    GatewayRefusal,
    TokenizedMethod,
    gateway_for,
)
from billing.subscriptions.models import (
    BillingSettings,
    Charge,
    ChargeAttempt,
    ChargeKind,
    ChargeStatus,
    Cycle,
    PaymentMethod,
    Plan,
    PlanPrice,
    PrepaidCredit,
    PrepaidStatus,
    PriceNotice,
    Subscription,
    SubscriptionStatus,
)
from billing.subscriptions.selectors import (
    FEATURE_LABELS,
    payment_method_current,
    price_changed_since,
    subscription_terms,
    terms_of,
)
from config.clock import now
from core.transitions import transition

SYSTEM = "system"
NOTICE_PERIOD = timedelta(days=30)  # BIL-4
PREVIEW_VALID_FOR = timedelta(minutes=30)  # a preview older than this is re-shown, not charged
NO_PAYMENT_METHOD = "no_payment_method"
NO_BILLING_DETAILS = "no_billing_details"
LIFETIME_PLAN = "all-inclusive"  # LTD-4/5: the plan a lifetime code gives, and the price of extra users

DECLINE_MESSAGES = {
    DECLINED: gettext_lazy("The card was declined. Nothing was charged and nothing was changed."),
    INSUFFICIENT_FUNDS: gettext_lazy("The card has insufficient funds. Nothing was charged and nothing was changed."),
    EXPIRED: gettext_lazy("The card has expired. Please add a valid card."),
    INVALID_NUMBER: gettext_lazy("The card number is not valid. Please check it."),
    INVALID_CVC: gettext_lazy("The security code (CVC) must be 3 or 4 digits."),
    INVALID_EXPIRY: gettext_lazy("The expiry date is not valid."),
    NO_PAYMENT_METHOD: gettext_lazy("There is no payment method. Please add a card or PayPal."),
    NO_BILLING_DETAILS: gettext_lazy(
        "Billing details are missing: full name, e-mail, company, address and, where the law asks for it, "
        "the VAT number."
    ),
}


class SubscriptionError(Exception):
    """A refused action; `message` is translated for whoever reads it. Nothing was changed."""

    def __init__(self, message: Any, code: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


class PaymentDeclined(SubscriptionError):
    pass


class StalePreview(SubscriptionError):
    pass


def decline_message(code: str) -> str:
    return str(DECLINE_MESSAGES.get(code, DECLINE_MESSAGES[DECLINED]))


def _audit(*, account: Account, actor: str, action: str, **data: Any) -> None:
    from accounts.lifecycle import audit

    audit(account=account, actor=actor or SYSTEM, action=action, data={k: str(v) for k, v in data.items()})


def _owner_contact(account: Account) -> tuple[str, str] | None:
    """The Owner's e-mail and language (from the account's own schema); the invoice e-mail when
    the schema holds no Owner."""
    from accounts.lifecycle import account_owner

    owner = account_owner(account)
    if owner is not None:
        return owner.email, owner.language
    from billing.models import BillingProfile

    profile = BillingProfile.objects.filter(account=account).first()
    if profile is not None:
        return profile.email, account.language
    return None


def _mail_owner(account: Account, template: str, context: dict[str, Any]) -> Any:
    contact = _owner_contact(account)
    if contact is None:
        return None
    from accounts.services import account_url

    email, language = contact
    return mail_send(
        to=email,
        template=template,
        language=language,
        account=account,
        context={"account": account, "url": account_url(account, "/min-konto/plan/"), **context},
    )


# --- prices (BIL-4) ---------------------------------------------------------------------------


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
        log = _mail_owner(
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


# --- payment methods (BIL-7) ------------------------------------------------------------------


def payment_method_add_card(
    *, account: Account, number: str, exp_month: int, exp_year: int, cvc: str, actor: str
) -> PaymentMethod:
    """Hand the card to the processor and keep its token. The number and the CVC end here."""
    try:
        method = gateway_for().tokenize_card(number=number, exp_month=exp_month, exp_year=exp_year, cvc=cvc, at=now())
    except GatewayRefusal as refusal:
        raise PaymentDeclined(decline_message(refusal.code), code=refusal.code) from None
    return _payment_method_replace(account=account, method=method, actor=actor)


def payment_method_add_paypal(*, account: Account, email: str, actor: str) -> PaymentMethod:
    method = gateway_for().paypal_agreement(email=email, at=now())
    return _payment_method_replace(account=account, method=method, actor=actor)


@transaction.atomic
def _payment_method_replace(*, account: Account, method: TokenizedMethod, actor: str) -> PaymentMethod:
    at = now()
    old = PaymentMethod.objects.select_for_update().filter(account=account, is_current=True).first()
    if old is not None:
        old.is_current = False
        old.replaced_at = at
        old.save(update_fields=["is_current", "replaced_at"])
    new = PaymentMethod(
        account=account,
        kind=method.kind,
        gateway=gateway_for().name,
        token=method.token,
        brand=method.brand,
        last4=method.last4,
        exp_month=method.exp_month,
        exp_year=method.exp_year,
        payer_email=method.payer_email,
        is_current=True,
        created_at=at,
    )
    new.full_clean()
    new.save()
    _audit(account=account, actor=actor, action="payment_method_changed", before=old or "", after=new)
    return new


def overdue_pay(*, account: Account, actor: str) -> list[Charge]:
    """BIL-12: retry everything overdue now (after a new card): paying restores the account."""
    return [charge_pay(charge_id=pk, actor=actor) for pk in _overdue_ids(account)]


def _overdue_ids(account: Account) -> list[int]:
    return list(
        Charge.objects.filter(account=account, status=ChargeStatus.FAILED)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )


# --- money: tax, claims, paying ---------------------------------------------------------------


@dataclass(frozen=True)
class Amounts:
    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str
    treatment: str = ""
    country: str = ""
    rate: Decimal = Decimal("0.00")


def amounts_for(*, account: Account, net: Decimal, currency: str, at: datetime) -> Amounts:
    """Net → VAT → gross with the invoicing app's one tax decision (BIL-9)."""
    return lines_amounts(account=account, lines=[("", Decimal("1"), net)], currency=currency, at=at)


def lines_amounts(
    *, account: Account, lines: list[tuple[str, Decimal, Decimal]], currency: str, at: datetime
) -> Amounts:
    """The totals an invoice with these lines carries: the invoicing app's own line rounding and
    tax decision, so the amount charged is the invoice's total to the cent."""
    from billing.models import BillingProfile
    from billing.tax import SELLER_COUNTRY, LineInput, lines_compute, tax_decide

    profile = BillingProfile.objects.filter(account=account).first()
    decision = tax_decide(seller_country=SELLER_COUNTRY, buyer=profile, at=at) if profile else None
    totals = lines_compute(
        lines=[LineInput(d, Decimal(q), Decimal(u)) for d, q, u in lines],
        rate=decision.rate if decision else Decimal("0.00"),
        currency=currency,
    )
    if decision is None:
        return Amounts(totals.net, totals.vat, totals.gross, currency)
    return Amounts(totals.net, totals.vat, totals.gross, currency, decision.treatment, decision.country, decision.rate)


def _claim(
    *,
    subscription: Subscription,
    kind: str,
    key: str,
    period: proration.Period,
    amounts: Amounts,
    description: str,
    terms: dict[str, Any] | None = None,
    lines: list[tuple[str, Decimal, Decimal]] | None = None,
) -> Charge | None:
    """Create the charge, or return None when its period or key is taken already."""
    charge = Charge(
        account=subscription.account,
        subscription=subscription,
        kind=kind,
        key=key,
        period_start=period.start,
        period_end=period.end,
        description=description,
        net_amount=amounts.net,
        vat_amount=amounts.vat,
        amount=amounts.gross,
        currency=amounts.currency,
        tax_treatment=amounts.treatment,
        tax_country=amounts.country,
        vat_rate=amounts.rate,
        terms=terms or {},
        lines=[[d, str(q), str(u)] for d, q, u in lines or []],
        created_at=now(),
    )
    charge.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            charge.save()
    except IntegrityError:
        return None
    return charge


def _describe(subscription: Subscription, plan: Plan, seats: int, cycle: str, period: proration.Period) -> str:
    with translation.override(subscription.account.language):
        return _("%(plan)s, %(seats)s agents, %(cycle)s, %(start)s – %(end)s") % {
            "plan": plan.name,
            "seats": seats,
            "cycle": str(Cycle(cycle).label).lower(),
            "start": formats.date_format(period.start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(period.end - timedelta(seconds=1), "SHORT_DATE_FORMAT"),
        }


@transaction.atomic
def charge_pay(*, charge_id: int, actor: str = SYSTEM) -> Charge:
    """Ask the processor for a pending or overdue charge, once per attempt (the idempotency key
    carries the attempt number), and record the outcome. The charge row stays locked while the
    processor answers, so two workers never attempt the same charge at once."""
    charge = Charge.objects.select_for_update().select_related("account", "subscription").get(pk=charge_id)
    if charge.status not in (ChargeStatus.PENDING, ChargeStatus.FAILED):
        return charge
    if not account_chargeable_id(charge.account_id):
        # ACC-10: cancelled, closed or purged: abandoned and recorded, the processor never asked.
        return charge_abandon(charge=charge, actor=actor, reason="account can no longer be charged")
    at = now()
    attempt = charge.attempts + 1
    method = payment_method_current(charge.account)
    if charge.amount == 0:
        result = ChargeResult(True, "")
    elif not _has_billing_details(charge.account_id):
        result = ChargeResult(False, "", NO_BILLING_DETAILS)  # an invoice needs the buyer (LTD-7)
    elif method is None:
        result = ChargeResult(False, "", NO_PAYMENT_METHOD)
    else:
        result = gateway_for(method.gateway).charge(
            token=method.token,
            amount=charge.amount,
            currency=charge.currency,
            idempotency_key=f"{charge.key}#{attempt}",
            at=at,
        )
    ChargeAttempt.objects.create(
        charge=charge, at=at, succeeded=result.succeeded, code=result.code, gateway_ref=result.reference
    )
    charge.attempts = attempt
    charge.payment_method = method
    charge.gateway_ref = result.reference
    charge.failure_code = result.code
    if result.succeeded:
        _charge_succeeded(charge, at=at, actor=actor)
    else:
        _charge_failed(charge, at=at, actor=actor)
    return charge


def _has_billing_details(account_id: int) -> bool:
    from billing.models import BillingProfile

    return BillingProfile.objects.filter(account_id=account_id).exists()


def _charge_succeeded(charge: Charge, *, at: datetime, actor: str) -> None:
    subscription = Subscription.objects.select_for_update().get(pk=charge.subscription_id)
    if charge.kind == ChargeKind.UPGRADE:
        # BIL-2: the upgrade applies only once it is paid.
        subscription.plan = Plan.objects.get(code=charge.terms["plan"])
        subscription.seats = charge.terms["seats"]
        subscription.pending_plan, subscription.pending_seats, subscription.pending_cycle = None, None, ""
    if charge.amount > 0:
        invoice = _invoice_issue(charge, at=at, actor=actor)
        if invoice is not None:
            charge.invoice_id, charge.invoice_number = invoice.pk, invoice.number
    charge.save()  # the attempt's fields; the status moves (and is audited) through transition()
    transition(charge, to=ChargeStatus.PAID, actor=actor, reason="payment received", paid_at=at, next_retry_at=None)
    still_overdue = Charge.objects.filter(subscription=subscription, status=ChargeStatus.FAILED).exists()
    subscription.save()
    if not still_overdue and subscription.status == SubscriptionStatus.PAST_DUE:
        transition(subscription, to=SubscriptionStatus.ACTIVE, actor=actor, reason="overdue charges paid")
    account = Account.all_objects.get(pk=charge.account_id)
    if not still_overdue and account.status in (
        AccountStatus.TRIAL,
        AccountStatus.SUSPENDED,
        AccountStatus.REACTIVATED,
    ):
        # ACC-4 (the trial ends, the paid plan starts) and BIL-12 (paid: access restored).
        from accounts.lifecycle import account_activate

        account_activate(account=account, actor=actor, reason="payment received", plan_name=subscription.plan.name)
    elif account.plan_name != subscription.plan.name:
        Account.objects.filter(pk=account.pk).update(plan_name=subscription.plan.name)
    if charge.amount > 0:
        method = charge.payment_method
        _mail_owner(charge.account, "subscriptions_receipt", {"charge": charge, "method": str(method or "")})


def _charge_failed(charge: Charge, *, at: datetime, actor: str) -> None:
    if charge.kind in (ChargeKind.UPGRADE, ChargeKind.FIRST, ChargeKind.PREPAID):
        # Nothing is owed: the change (or the start) simply does not happen.
        charge.save()
        transition(charge, to=ChargeStatus.ABANDONED, actor=actor, reason=f"declined: {charge.failure_code}")
        return
    # BIL-12: a renewal stays owed; retry on the staff's schedule, then suspend.
    offsets = BillingSettings.current().retry_offsets()
    retry_index = charge.attempts - 1  # attempt 1 was the renewal itself
    charge.next_retry_at = (
        charge.created_at + timedelta(days=offsets[retry_index]) if retry_index < len(offsets) else None
    )
    charge.save()
    if charge.status == ChargeStatus.PENDING:
        transition(charge, to=ChargeStatus.FAILED, actor=actor, reason=f"declined: {charge.failure_code}")
    else:  # a retry that failed again: still failed, still audited
        _audit(account=charge.account, actor=actor, action="charge_failed", charge=charge.pk, code=charge.failure_code)
    subscription = Subscription.objects.select_for_update().get(pk=charge.subscription_id)
    if subscription.status == SubscriptionStatus.ACTIVE:
        transition(subscription, to=SubscriptionStatus.PAST_DUE, actor=actor, reason="renewal unpaid")
    account = Account.all_objects.get(pk=charge.account_id)
    lifetime = charge.subscription.included_seats > 0
    if lifetime and charge.failure_code in (NO_PAYMENT_METHOD, NO_BILLING_DETAILS):
        # LTD-7/8: the first charge of a lifetime account asks for full billing details and a
        # payment method; until they are given the account has no access.
        if account.status in (AccountStatus.ACTIVE, AccountStatus.REACTIVATED):
            from accounts.lifecycle import account_suspend

            with translation.override(account.language):
                reason = _("Billing details and a payment method are needed for the users beyond the lifetime package.")
            account_suspend(account=account, actor=SYSTEM, reason=reason)
        return
    if charge.next_retry_at is None:
        if account.status in (AccountStatus.ACTIVE, AccountStatus.REACTIVATED):
            from accounts.lifecycle import account_suspend

            account_suspend(account=account, actor=SYSTEM, reason="unpaid subscription (BIL-12)")
        return
    _mail_owner(
        account,
        "subscriptions_payment_failed",
        {"charge": charge, "reason": decline_message(charge.failure_code), "next_retry_at": charge.next_retry_at},
    )


def _invoice_issue(charge: Charge, *, at: datetime, actor: str) -> Any:
    """The invoice for a paid charge, through the invoicing services; it carries the tax decision
    the charged amount was computed with, so invoice and payment agree to the cent."""
    from billing.models import BillingProfile
    from billing.services import document_issue, document_mark_paid, invoice_draft_create
    from billing.tax import LineInput, TaxDecision

    if not BillingProfile.objects.filter(account_id=charge.account_id).exists():
        return None
    draft = invoice_draft_create(
        account=charge.account,
        lines=[LineInput(d, Decimal(q), Decimal(u)) for d, q, u in charge.lines]
        or [LineInput(charge.description, Decimal("1"), charge.net_amount)],
        currency=charge.currency,
        period_start=charge.period_start.date(),
        period_end=(charge.period_end - timedelta(seconds=1)).date(),
        actor=actor,
    )
    decision = TaxDecision(charge.tax_treatment, charge.tax_country, charge.vat_rate) if charge.tax_treatment else None
    issued = document_issue(
        document=draft,
        issued_at=at,
        actor=actor,
        notify=False,  # the receipt (BIL-6) names the invoice; one e-mail per payment
        render_pdf=getattr(settings, "SUBSCRIPTIONS_INVOICE_PDF", True),
        decision=decision,
    )
    return document_mark_paid(document=issued, actor=actor)


# --- starting a paid plan (ACC-4, LTD-7) --------------------------------------------------------


def _check_seats(plan: Plan, seats: int) -> None:
    if seats < 1:
        raise SubscriptionError(_("A subscription needs at least one seat."))
    if plan.seat_limit is not None and seats > plan.seat_limit:
        raise SubscriptionError(
            _("The %(plan)s plan allows at most %(limit)s agents.") % {"plan": plan.name, "limit": plan.seat_limit}
        )


def subscription_start(*, account: Account, plan: Plan, seats: int, cycle: str, actor: str) -> Subscription:
    """ACC-4: with billing details and a payment method the paid plan starts now and the first
    period is billed at once. A declined payment leaves nothing behind but the error."""
    from billing.models import BillingProfile

    _check_seats(plan, seats)
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
        charge = _claim(
            subscription=subscription,
            kind=ChargeKind.FIRST,
            key=f"first:{subscription.pk}:{at.isoformat()}",
            period=period,
            amounts=amounts,
            description=_describe(subscription, plan, seats, cycle, period),
        )
        assert charge is not None  # a brand-new subscription has no charges yet
        charge = charge_pay(charge_id=charge.pk, actor=actor)
        if charge.status != ChargeStatus.PAID:
            raise PaymentDeclined(decline_message(charge.failure_code), code=charge.failure_code)
        _audit(account=account, actor=actor, action="subscription_started", plan=plan.code, seats=seats, cycle=cycle)
    return subscription


def currency_of(plan: Plan, at: datetime) -> str:
    from billing.subscriptions.selectors import price_at

    return price_at(plan=plan, at=at).currency


# --- changes (BIL-2, BIL-3) ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChangePreview:
    quote: proration.Quote
    amounts: Amounts  # what is charged now (zero unless the annual upgrade case)
    next_amounts: Amounts  # what the next period bills
    lost_features: list[str]
    removed_seats: int

    @property
    def at(self) -> datetime:
        return self.quote.at


def change_preview(
    *, subscription: Subscription, plan: Plan, seats: int, cycle: str, at: datetime | None = None
) -> ChangePreview:
    """What a change would do at `at` (default: now): the exact amount charged now, what the next
    period costs, and what a downgrade loses."""
    _check_seats(plan, seats)
    at = at or now()
    current = subscription_terms(subscription, at)
    target = terms_of(plan=plan, seats=seats, cycle=cycle, at=at, included_seats=subscription.included_seats)
    currency = currency_of(plan, at)
    quote = proration.quote_change(current=current, target=target, anchor=subscription.anchor, at=at, currency=currency)
    account = subscription.account
    lost = [str(FEATURE_LABELS.get(code, code)) for code in subscription.plan.features if code not in plan.features]
    return ChangePreview(
        quote=quote,
        amounts=amounts_for(account=account, net=quote.amount, currency=currency, at=at),
        next_amounts=amounts_for(account=account, net=quote.next_period_price, currency=currency, at=at),
        lost_features=lost,
        removed_seats=max(subscription.seats - seats, 0),
    )


@dataclass(frozen=True)
class ChangeOutcome:
    effect: str
    charge: Charge | None
    ok: bool
    message: str


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
        if quote.effect == proration.AT_NEXT_PERIOD:
            subscription.pending_plan = plan if plan != subscription.plan else None
            subscription.pending_seats = seats if seats != subscription.seats else None
            subscription.pending_cycle = cycle if cycle != subscription.cycle else ""
            subscription.save()
            _audit(
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
                % {"date": formats.date_format(subscription.period_end, "DATE_FORMAT")},
            )
        if quote.effect == proration.UPGRADE_NOW_UNCHARGED:
            # BIL-2, monthly: the upgrade applies now; the new rate is billed from the next period.
            before = f"{subscription.plan.code}×{subscription.seats}"
            subscription.plan, subscription.seats = plan, seats
            subscription.pending_plan, subscription.pending_seats, subscription.pending_cycle = None, None, ""
            subscription.save()
            Account.objects.filter(pk=subscription.account_id).update(plan_name=plan.name)
            _audit(
                account=subscription.account,
                actor=actor,
                action="upgraded",
                before=before,
                after=f"{plan.code}×{seats}",
            )
            return ChangeOutcome(quote.effect, None, True, _("Upgraded. The new price is billed from the next period."))
        charge = _claim(
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
            "start": formats.date_format(quote.at, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(quote.period.end - timedelta(seconds=1), "SHORT_DATE_FORMAT"),
        }


def _outcome(effect: str, charge: Charge) -> ChangeOutcome:
    if charge.status == ChargeStatus.PAID:
        return ChangeOutcome(
            effect, charge, True, _("Upgraded. The prorated amount was charged and a receipt e-mailed.")
        )
    return ChangeOutcome(effect, charge, False, decline_message(charge.failure_code))


# --- the billing run (BIL-1) and dunning (BIL-12) ----------------------------------------------


@transaction.atomic
def renewal_claim(*, subscription_id: int, at: datetime) -> list[Charge]:
    """Move a subscription into every period that has started by `at`, applying the changes
    waiting for it (BIL-3), and claim one charge per period. The unique constraint on
    (subscription, period start) makes a second worker's claim fail rather than double-bill."""
    subscription = Subscription.objects.select_for_update().select_related("account", "plan").get(pk=subscription_id)
    claimed: list[Charge] = []
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
        period = proration.Period(
            start, proration.period_containing(subscription.anchor, subscription.cycle, start).end
        )
        subscription.period_start, subscription.period_end = period.start, period.end
        subscription.save()
        terms = subscription_terms(subscription, period.start)
        currency = currency_of(subscription.plan, period.start)
        description = _describe(subscription, subscription.plan, subscription.seats, subscription.cycle, period)
        lines = [
            (description, Decimal("1"), terms.price),
            *_surcharge_lines(subscription, period),
            *_lifetime_extra_lines(subscription, previous),
        ]
        charge = _claim(
            subscription=subscription,
            kind=ChargeKind.RENEWAL,
            key=f"renewal:{subscription.pk}:{period.start.isoformat()}",
            period=period,
            amounts=lines_amounts(account=subscription.account, lines=lines, currency=currency, at=period.start),
            description=description,
            lines=lines,
        )
        if charge is not None:
            claimed.append(charge)
    if claimed and subscription.account.plan_name != subscription.plan.name:
        Account.objects.filter(pk=subscription.account_id).update(plan_name=subscription.plan.name)
    return claimed


def _surcharge_lines(subscription: Subscription, period: proration.Period) -> list[tuple[str, Decimal, Decimal]]:
    """ACC-8: a monthly fee per login staff found shared and marked for a surcharge, on every
    renewal while the mark stands (× 12 on an annual bill)."""
    from accounts.models import SharedLoginFlag

    flags = list(SharedLoginFlag.objects.filter(account_id=subscription.account_id, surcharge=True).order_by("id"))
    if not flags:
        return []
    months = Decimal(proration.MONTHS_IN_CYCLE[subscription.cycle])
    fee = BillingSettings.current().shared_login_surcharge
    SharedLoginFlag.objects.filter(pk__in=[f.pk for f in flags]).update(surcharge_invoiced_at=now())
    with translation.override(subscription.account.language):
        return [
            (_("Surcharge for a shared login: %(user)s (per month)") % {"user": f.user_email}, months, fee)
            for f in flags
        ]


def _lifetime_extra_lines(subscription: Subscription, period: proration.Period) -> list[tuple[str, Decimal, Decimal]]:
    """LTD-5: users beyond the lifetime package, billed monthly in arrears for the days each was
    active (from the daily user counts), at the regular all-inclusive price per user-month."""
    if subscription.included_seats == 0:
        return []
    from django_tenants.utils import schema_exists, tenant_context

    from accounts.workspace.models import UsageSnapshot

    account = subscription.account
    if account.deleted_at is not None or not schema_exists(account.schema_name):
        return []
    with tenant_context(account):
        counts = list(
            UsageSnapshot.objects.filter(day__gte=period.start.date(), day__lt=period.end.date()).values_list(
                "user_count", flat=True
            )
        )
    extra_days = sum(max(count - subscription.included_seats, 0) for count in counts)
    if not extra_days:
        return []
    days = (period.end.date() - period.start.date()).days
    price = terms_of(plan=Plan.objects.get(code=LIFETIME_PLAN), seats=1, cycle=Cycle.MONTHLY, at=period.start)
    with translation.override(account.language):
        text = _("Users beyond the lifetime package: %(days)s user-days, %(start)s – %(end)s") % {
            "days": extra_days,
            "start": formats.date_format(period.start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(period.end - timedelta(seconds=1), "SHORT_DATE_FORMAT"),
        }
    return [(text, (Decimal(extra_days) / days).quantize(Decimal("0.001")), price.unit_price)]


def lifetime_subscription_ensure(*, account: Account, at: datetime) -> Subscription | None:
    """LTD-4: a lifetime-code account holds a subscription to the all-inclusive plan whose first
    seats are included for life; its monthly renewals bill only the users beyond them."""
    from accounts.models import LifetimeCode

    code = LifetimeCode.objects.filter(account=account).select_related("batch").first()
    if code is None:
        return None
    existing = Subscription.objects.filter(account=account).first()
    if existing is not None:
        return existing
    start = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
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


def billing_due(*, account: Account, at: datetime) -> Subscription | None:
    """The account's subscription when a period has started by `at` and the account is billable."""
    if account.status not in (AccountStatus.ACTIVE, AccountStatus.REACTIVATED):
        return None
    return Subscription.objects.filter(
        account=account, status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE], period_end__lte=at
    ).first()


def account_bill(*, account: Account, at: datetime) -> list[Charge]:
    """Bill one account for every period started by `at`, then attempt every charge still
    pending (ours, or one a crashed worker left behind)."""
    subscription = billing_due(account=account, at=at)
    if subscription is not None:
        renewal_claim(subscription_id=subscription.pk, at=at)
    pending = Charge.objects.filter(account=account, status=ChargeStatus.PENDING, kind=ChargeKind.RENEWAL)
    return [charge_pay(charge_id=pk) for pk in pending.order_by("period_start").values_list("pk", flat=True)]


# --- annual prepaid credit (BIL-10) --------------------------------------------------------------


def prepaid_buy(*, subscription: Subscription, seats: int, actor: str) -> "PrepaidCredit":
    """Prepay 12 months for `seats` at the plan's annual price. Renewals pause until the credit
    is spent; paid → invoice and receipt, declined → nothing."""
    _check_seats(subscription.plan, seats)
    at = now()
    terms = terms_of(plan=subscription.plan, seats=seats, cycle=Cycle.ANNUAL, at=at)
    ends = proration.add_months(at, 12)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().select_related("account", "plan").get(pk=subscription.pk)
        )
        if PrepaidCredit.objects.filter(
            subscription=subscription, status=PrepaidStatus.ACTIVE, ends_at__gt=at
        ).exists():
            raise SubscriptionError(_("A prepayment is running already."))
        with translation.override(subscription.account.language):
            description = _("Annual prepayment: %(plan)s, %(seats)s agents, 12 months from %(start)s") % {
                "plan": subscription.plan.name,
                "seats": seats,
                "start": formats.date_format(at, "SHORT_DATE_FORMAT"),
            }
        charge = _claim(
            subscription=subscription,
            kind=ChargeKind.PREPAID,
            key=f"prepaid:{subscription.pk}:{at.isoformat()}",
            period=proration.Period(at, ends),
            amounts=amounts_for(
                account=subscription.account, net=terms.price, currency=currency_of(subscription.plan, at), at=at
            ),
            description=description,
        )
        if charge is None:
            raise SubscriptionError(_("A prepayment is running already."))
        charge = charge_pay(charge_id=charge.pk, actor=actor)
        if charge.status != ChargeStatus.PAID:
            charge.status = ChargeStatus.ABANDONED
            charge.save(update_fields=["status"])
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
        _audit(account=subscription.account, actor=actor, action="prepaid_bought", seats=seats, value=charge.net_amount)
    return credit


def _prepaid_carry(subscription: Subscription, credit: "PrepaidCredit") -> None:
    """The subscription is paid up to the credit's end; its next period starts there."""
    subscription.seats = credit.seats
    subscription.period_start = credit.started_at
    subscription.period_end = subscription.anchor = credit.ends_at
    subscription.save()


def prepaid_left(credit: "PrepaidCredit", at: datetime) -> Decimal:
    """The unused value at `at`: the seat-time still to come, at the price of the seat-time bought."""
    seconds_left = max(int((credit.ends_at - at).total_seconds()), 0)
    return proration.money(credit.value * credit.seats * seconds_left / credit.seat_seconds)


@transaction.atomic
def prepaid_seats_change(*, credit: "PrepaidCredit", seats: int, actor: str) -> "PrepaidCredit":
    """BIL-10: the seat-time left is kept; more seats end the credit sooner, fewer later."""
    credit = PrepaidCredit.objects.select_for_update().get(pk=credit.pk)
    subscription = Subscription.objects.select_for_update().select_related("plan").get(pk=credit.subscription_id)
    _check_seats(subscription.plan, seats)
    at = now()
    if credit.status != PrepaidStatus.ACTIVE or credit.ends_at <= at:
        raise SubscriptionError(_("The prepayment has ended."))
    before = credit.ends_at
    seconds_left = (credit.ends_at - at).total_seconds()
    credit.ends_at = at + timedelta(seconds=int(seconds_left * credit.seats / seats))
    credit.seats = seats
    credit.save()
    _prepaid_carry(subscription, credit)
    subscription.period_start = at
    subscription.save(update_fields=["period_start"])
    _audit(
        account=credit.account,
        actor=actor,
        action="prepaid_seats_changed",
        seats=seats,
        before=before,
        after=credit.ends_at,
    )
    return credit


@transaction.atomic
def prepaid_discontinue(*, credit: "PrepaidCredit", actor: str) -> "PrepaidCredit":
    """BIL-10: refund the unused value less the staff's cancellation fee, as a credit note
    referencing the prepayment invoice, and end the subscription."""
    from billing.models import Invoice
    from billing.services import credit_note_issue

    credit = PrepaidCredit.objects.select_for_update().select_related("charge", "account").get(pk=credit.pk)
    if credit.status != PrepaidStatus.ACTIVE:
        raise SubscriptionError(_("The prepayment has been refunded already."))
    at = now()
    unused = prepaid_left(credit, at)
    fee_percent = BillingSettings.current().prepaid_cancellation_fee_percent
    refund_net = proration.money(unused * (100 - fee_percent) / 100)
    credit.status = PrepaidStatus.REFUNDED
    subscription = Subscription.objects.select_for_update().get(pk=credit.subscription_id)
    subscription.status, subscription.ended_at, subscription.period_end = SubscriptionStatus.ENDED, at, at
    subscription.save()
    if refund_net > 0:
        purchase = credit.charge
        reason = _(
            "Refund of the unused prepayment (%(unused)s %(currency)s) less the cancellation fee of %(fee)s %%."
        ) % {
            "unused": unused,
            "currency": credit.currency,
            "fee": fee_percent,
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
        credit.refund, credit.credit_note_number = refund, note.number
        _mail_owner(
            credit.account, "subscriptions_receipt", {"charge": refund, "method": str(method), "is_refund": True}
        )
    credit.save()
    _audit(
        account=credit.account,
        actor=actor,
        action="prepaid_discontinued",
        unused=unused,
        refund=refund_net,
        fee=fee_percent,
    )
    return credit
