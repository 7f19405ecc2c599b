from django import forms
from django.utils.translation import gettext_lazy as _

from billing.subscriptions.choices import Cycle
from billing.subscriptions.models import Plan


class PlanChoiceForm(forms.Form):
    """A plan, a seat count and a cycle: what a start or a change asks for."""

    plan = forms.ModelChoiceField(
        label=_("Plan"), queryset=Plan.objects.filter(is_public=True), to_field_name="code", empty_label=None
    )
    seats = forms.IntegerField(label=_("Agents (seats)"), min_value=1, max_value=500)
    cycle = forms.ChoiceField(label=_("Billing cycle"), choices=Cycle.choices)


class ConfirmChangeForm(PlanChoiceForm):
    """The preview being confirmed: its timestamp and the amount the customer saw."""

    quote_at = forms.DateTimeField(widget=forms.HiddenInput)
    expected_amount = forms.DecimalField(max_digits=12, decimal_places=2, widget=forms.HiddenInput)


class CardForm(forms.Form):
    """Handed straight to the processor; never saved (see gateway.py)."""

    number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=forms.TextInput(attrs={"autocomplete": "cc-number", "inputmode": "numeric"}),
    )
    exp_month = forms.IntegerField(label=_("Expiry month"), min_value=1, max_value=12)
    exp_year = forms.IntegerField(label=_("Expiry year"), min_value=2000, max_value=2100)
    cvc = forms.CharField(
        label=_("Security code (CVC)"), max_length=4, widget=forms.PasswordInput(attrs={"autocomplete": "cc-csc"})
    )


class PayPalForm(forms.Form):
    email = forms.EmailField(label=_("PayPal e-mail"))
