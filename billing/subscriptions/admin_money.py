"""Staff money actions on a subscription (BIL-10, BIL-2/3): each shows the amounts — net, VAT,
total and what follows — on a confirmation page before anything is charged or refunded.

The pages call the same services as Min konto and the API: a prepayment is sold with
`prepaid_buy`, seats change with `change_preview`/`change_apply` (which also moves a running
prepayment's end date), a prepayment is discontinued with `prepaid_discontinue`."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing.subscriptions.models import Subscription
from billing.subscriptions.services.changes import change_apply, change_preview
from billing.subscriptions.services.prepaid import prepaid_buy, prepaid_discontinue, prepaid_quote, prepaid_refund
from billing.subscriptions.services.refusals import SubscriptionError
from config.clock import now
from core.transitions import IllegalTransition

TEMPLATE = "admin/subscriptions/confirm.html"


class SeatsForm(forms.Form):
    # min_value 0 on purpose: the service refuses 0 seats with its own clear message.
    seats = forms.IntegerField(label=_("Agents (seats)"), min_value=0, max_value=500)


class ConfirmedSeatsForm(SeatsForm):
    expected_amount = forms.DecimalField(max_digits=12, decimal_places=2, widget=forms.HiddenInput)
    quote_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)


def _page(model_admin: admin.ModelAdmin, request: HttpRequest, title: str, **context: Any) -> HttpResponse:
    return TemplateResponse(
        request,
        TEMPLATE,
        {**model_admin.admin_site.each_context(request), "title": title, "opts": model_admin.model._meta, **context},
    )


def prepaid_sell_view(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    """BIL-10: seats → the price (net, VAT, total, 12 months from now) → confirm → charged."""
    subscription = get_object_or_404(Subscription.objects.select_related("account", "plan"), pk=pk)
    title = gettext("Sell an annual prepayment to %(account)s") % {"account": subscription.account}
    if request.method == "POST":
        confirmed = ConfirmedSeatsForm(request.POST)
        if confirmed.is_valid():
            try:
                credit = prepaid_buy(
                    subscription=subscription,
                    seats=confirmed.cleaned_data["seats"],
                    expected_amount=confirmed.cleaned_data["expected_amount"],
                    actor=request.user.email,
                )
            except SubscriptionError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    gettext("The prepayment was charged; it runs until %(date)s.") % {"date": _date(credit.ends_at)},
                )
                return redirect("admin:subscriptions_prepaidcredit_change", credit.pk)
        return redirect("admin:subscriptions_subscription_prepay", pk)
    form = SeatsForm(request.GET or None, initial={"seats": subscription.seats})
    quote = None
    if form.is_valid():
        try:
            quote = prepaid_quote(subscription=subscription, seats=form.cleaned_data["seats"])
        except SubscriptionError as error:
            form.add_error("seats", error.message)
    return _page(model_admin, request, title, form=form, subscription=subscription, prepaid=quote)


def seats_change_view(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    """BIL-2/3, BIL-10: seats → what is charged now and what follows → confirm → applied."""
    subscription = get_object_or_404(Subscription.objects.select_related("account", "plan"), pk=pk)
    title = gettext("Change the seats of %(account)s") % {"account": subscription.account}
    if request.method == "POST":
        confirmed = ConfirmedSeatsForm(request.POST)
        if confirmed.is_valid() and confirmed.cleaned_data["quote_at"]:
            try:
                outcome = change_apply(
                    subscription=subscription,
                    plan=subscription.plan,
                    seats=confirmed.cleaned_data["seats"],
                    cycle=subscription.cycle,
                    quote_at=confirmed.cleaned_data["quote_at"],
                    expected_amount=confirmed.cleaned_data["expected_amount"],
                    actor=request.user.email,
                )
            except SubscriptionError as error:
                messages.error(request, error.message)
            else:
                messages.add_message(request, messages.SUCCESS if outcome.ok else messages.ERROR, outcome.message)
                if outcome.ok:
                    return redirect("admin:subscriptions_subscription_change", pk)
        return redirect("admin:subscriptions_subscription_seats", pk)
    form = SeatsForm(request.GET or None, initial={"seats": subscription.seats})
    change = None
    if form.is_valid():
        try:
            change = change_preview(
                subscription=subscription,
                plan=subscription.plan,
                seats=form.cleaned_data["seats"],
                cycle=subscription.cycle,
            )
        except SubscriptionError as error:
            form.add_error("seats", error.message)
    seats = form.cleaned_data["seats"] if change else None
    return _page(model_admin, request, title, form=form, subscription=subscription, change=change, seats=seats)


def discontinue_confirm(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: Any) -> HttpResponse | None:
    """BIL-10: the refund of each prepayment (unused value, fee, refund net) is shown first;
    only the confirmation refunds it."""
    credits = list(queryset.select_related("account"))
    if request.POST.get("confirmed") == "yes":
        for credit in credits:
            try:
                prepaid_discontinue(credit=credit, actor=request.user.email)
            except (SubscriptionError, IllegalTransition) as error:
                model_admin.message_user(request, f"{credit}: {error.message}", messages.ERROR)
            else:
                model_admin.message_user(
                    request, gettext("%(credit)s: discontinued and refunded.") % {"credit": credit}, messages.SUCCESS
                )
        return None
    at = now()
    refunds = [(credit, prepaid_refund(credit, at)) for credit in credits]
    return _page(
        model_admin,
        request,
        gettext("Discontinue prepayments"),
        refunds=refunds,
        selected=[credit.pk for credit in credits],
        action=request.POST.get("action", ""),
    )


def _date(value: Any) -> str:
    # The admin's own language and time zone; the customer's documents are worded elsewhere.
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")
