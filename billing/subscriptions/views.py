"""Min konto: plan and seats, the change preview, the payment method, billing history. Only the
Owner manages billing (ACC-9); others see the page read-only."""

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.permissions import MANAGE_BILLING, owner_required
from accounts.users.models import Role
from billing.models import BillingProfile
from billing.subscriptions import selectors
from billing.subscriptions.choices import ChargeStatus, Cycle
from billing.subscriptions.forms import CardForm, ConfirmChangeForm, PayPalForm, PlanChoiceForm
from billing.subscriptions.plan_page import charges_page, prices_read
from billing.subscriptions.services.amounts import amounts_for
from billing.subscriptions.services.changes import change_apply, change_preview
from billing.subscriptions.services.charges import overdue_pay
from billing.subscriptions.services.payment_methods import payment_method_add_card, payment_method_add_paypal
from billing.subscriptions.services.prepaid import prepaid_left
from billing.subscriptions.services.refusals import PaymentDeclined, StalePreview, SubscriptionError, decline_message
from billing.subscriptions.services.start import subscription_start, subscription_start_quote
from config.clock import now

# ACC-9: only the Owner manages billing (the plan, seats and the payment method).
billing_owner_required = owner_required(refusal=MANAGE_BILLING)


def _has_billing_profile(account: Any) -> bool:
    return BillingProfile.objects.filter(account=account).exists()


@login_required
def minkonto(request: HttpRequest) -> HttpResponse:
    account = request.tenant
    at = now()
    # Issue 14: every price read once, the plans with it; the history page and the overdue
    # payments in one query (plan_page.py).
    plans, price_at = prices_read()
    subscription = selectors.subscription_of(account)
    next_amounts = None
    if subscription:
        next_plan = subscription.pending_plan or subscription.plan
        next_terms = selectors.next_period_terms(subscription, price=price_at(next_plan, subscription.period_end))
        next_amounts = amounts_for(
            account=account,
            net=next_terms.price,
            currency=price_at(subscription.plan, subscription.period_end).currency,
            at=subscription.period_end,
        )
    # BIL-10: the prepayment the subscription lives on, with the value still unused.
    prepaid = selectors.prepaid_running(subscription, at) if subscription else None
    initial = (
        {"plan": subscription.plan.code, "seats": subscription.seats, "cycle": subscription.cycle}
        if subscription
        else {"plan": "team", "seats": 2, "cycle": "monthly"}
    )
    form = PlanChoiceForm(initial=initial)
    form.fields["plan"].choices = [(plan.code, str(plan)) for plan in plans]  # the plans read above
    charges, overdue = charges_page(account=account, page=request.GET.get("page"))
    return render(
        request,
        "subscriptions/minkonto.html",
        {
            "account": account,
            "subscription": subscription,
            "next_amounts": next_amounts,
            "prepaid": prepaid,
            "prepaid_left": prepaid_left(prepaid, at) if prepaid else None,
            "method": selectors.payment_method_current(account),
            "charges": charges,
            "overdue": overdue,
            "form": form,
            "plans": [
                (plan, price_at(plan, at), [selectors.FEATURE_LABELS.get(f, f) for f in plan.features])
                for plan in plans
            ],
            "is_owner": request.user.role == Role.OWNER,
            # Read only where the page asks (no subscription yet): its branch is the only reader.
            "has_billing_profile": subscription is not None or _has_billing_profile(account),
        },
    )


@login_required
@billing_owner_required
def preview(request: HttpRequest) -> HttpResponse:
    """GET: the exact consequence of a change now — the amount, the timestamp, what is lost."""
    account = request.tenant
    subscription = selectors.subscription_of(account)
    if subscription is None:
        return redirect("subscriptions:minkonto")
    form = PlanChoiceForm(request.GET)
    if not form.is_valid():
        return render(request, "subscriptions/preview.html", {"form": form, "subscription": subscription}, status=400)
    plan, seats, cycle = form.cleaned_data["plan"], form.cleaned_data["seats"], form.cleaned_data["cycle"]
    try:
        change = change_preview(subscription=subscription, plan=plan, seats=seats, cycle=cycle)
    except SubscriptionError as error:
        messages.error(request, error.message)
        return redirect("subscriptions:minkonto")
    confirm = ConfirmChangeForm(
        initial={
            "plan": plan.code,
            "seats": seats,
            "cycle": cycle,
            "quote_at": change.at.isoformat(),
            "expected_amount": change.amounts.gross,
        }
    )
    return render(
        request,
        "subscriptions/preview.html",
        {
            "subscription": subscription,
            "change": change,
            "target_plan": plan,
            "seats": seats,
            "target_cycle": Cycle(cycle).label,
            "confirm": confirm,
            "form": form,
        },
    )


@require_POST
@login_required
@billing_owner_required
def change(request: HttpRequest) -> HttpResponse:
    account = request.tenant
    subscription = selectors.subscription_of(account)
    form = ConfirmChangeForm(request.POST)
    if subscription is None or not form.is_valid():
        messages.error(request, _("The change could not be read. Please start again."))
        return redirect("subscriptions:minkonto")
    data = form.cleaned_data
    again = (
        reverse("subscriptions:preview")
        + "?"
        + urlencode({"plan": data["plan"].code, "seats": data["seats"], "cycle": data["cycle"]})
    )
    try:
        outcome = change_apply(
            subscription=subscription,
            plan=data["plan"],
            seats=data["seats"],
            cycle=data["cycle"],
            quote_at=data["quote_at"],
            expected_amount=data["expected_amount"],
            actor=request.user.email,
        )
    except StalePreview as stale:
        messages.error(request, stale.message)
        return redirect(again)  # re-shown with today's figures
    except SubscriptionError as error:
        messages.error(request, error.message)
        return redirect("subscriptions:minkonto")
    if outcome.ok:
        messages.success(request, outcome.message)
        return redirect("subscriptions:minkonto")
    messages.error(request, outcome.message)
    return redirect(again)


@login_required
@billing_owner_required
def start_preview(request: HttpRequest) -> HttpResponse:
    """ACC-4: what "Start and pay" charges now — net, VAT and the total — before the Owner confirms."""
    form = PlanChoiceForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Please choose a plan, a number of agents and a billing cycle."))
        return redirect("subscriptions:minkonto")
    data = form.cleaned_data
    try:
        amounts = subscription_start_quote(
            account=request.tenant, plan=data["plan"], seats=data["seats"], cycle=data["cycle"]
        )
    except SubscriptionError as error:
        messages.error(request, error.message)
        return redirect("subscriptions:minkonto")
    return render(
        request,
        "subscriptions/start_confirm.html",
        {"plan": data["plan"], "seats": data["seats"], "cycle": Cycle(data["cycle"]), "amounts": amounts},
    )


@require_POST
@login_required
@billing_owner_required
def start(request: HttpRequest) -> HttpResponse:
    """ACC-4: the paid plan starts now and is billed at once — the total the Owner confirmed."""
    form = PlanChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a plan, a number of agents and a billing cycle."))
        return redirect("subscriptions:minkonto")
    data = form.cleaned_data
    again = (
        reverse("subscriptions:start_preview")
        + "?"
        + urlencode({"plan": data["plan"].code, "seats": data["seats"], "cycle": data["cycle"]})
    )
    try:
        shown = Decimal(request.POST.get("expected_amount", ""))
    except InvalidOperation:
        return redirect(again)  # never charge an amount the Owner has not seen
    try:
        quote = subscription_start_quote(
            account=request.tenant, plan=data["plan"], seats=data["seats"], cycle=data["cycle"]
        )
        if quote.gross != shown:
            messages.error(request, _("The price has changed since it was shown. Please check the new total."))
            return redirect(again)
        subscription_start(
            account=request.tenant,
            plan=form.cleaned_data["plan"],
            seats=form.cleaned_data["seats"],
            cycle=form.cleaned_data["cycle"],
            actor=request.user.email,
        )
    except SubscriptionError as error:
        messages.error(request, error.message)
        return redirect("subscriptions:minkonto")
    messages.success(request, _("Your paid plan has started. The receipt is on its way to your inbox."))
    return redirect("subscriptions:minkonto")


@sensitive_post_parameters("number", "cvc")
@login_required
@billing_owner_required
def payment_method(request: HttpRequest) -> HttpResponse:
    """BIL-7: replace the card (or give a PayPal agreement). Anything overdue is paid at once."""
    account = request.tenant
    card_form, paypal_form = CardForm(prefix="card"), PayPalForm(prefix="paypal")
    if request.method == "POST":
        try:
            if "paypal-email" in request.POST:
                paypal_form = PayPalForm(request.POST, prefix="paypal")
                if paypal_form.is_valid():
                    payment_method_add_paypal(
                        account=account, email=paypal_form.cleaned_data["email"], actor=request.user.email
                    )
                    return _after_new_method(request)
            else:
                card_form = CardForm(request.POST, prefix="card")
                if card_form.is_valid():
                    payment_method_add_card(account=account, actor=request.user.email, **card_form.cleaned_data)
                    return _after_new_method(request)
        except PaymentDeclined as declined:
            messages.error(request, declined.message)
            card_form = CardForm(prefix="card")  # never echo a card number back
    return render(
        request,
        "subscriptions/payment_method.html",
        {"method": selectors.payment_method_current(account), "card_form": card_form, "paypal_form": paypal_form},
    )


def _after_new_method(request: HttpRequest) -> HttpResponse:
    messages.success(request, _("The payment method was saved."))
    for charge in overdue_pay(account=request.tenant, actor=request.user.email):
        if charge.status == ChargeStatus.PAID:
            messages.success(request, _("The overdue amount was paid. Thank you."))
        else:
            messages.error(request, decline_message(charge.failure_code))
    return redirect("subscriptions:minkonto")
