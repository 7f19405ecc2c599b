"""How billing's steps read in the one audit trail (core.audit), in the reader's language."""

from django.utils.translation import gettext_lazy as _

from billing.subscriptions.choices import ChargeStatus, SubscriptionStatus
from core import audit

audit.register_action_states("charge", ChargeStatus.choices)
audit.register_action_states("subscription", SubscriptionStatus.choices)
audit.register_actions(
    {
        "charge:*": _("Charge changed from %(before)s to %(after)s"),
        "subscription:*": _("Subscription changed from %(before)s to %(after)s"),
        "subscription_started": _("Subscription started"),
        "change_scheduled": _("Subscription change scheduled"),
        "upgraded": _("Subscription upgraded"),
        "charge_failed": _("Charge failed"),
        "payment_method_changed": _("Payment method changed"),
        "prepaid_bought": _("Prepaid period bought"),
        "prepaid_discontinued": _("Prepaid offer discontinued"),
        "prepaid_seats_changed": _("Prepaid seats changed"),
        "invoice_drafted": _("Invoice drafted"),
        "invoice_issued": _("Invoice issued"),
        "credit_note_issued": _("Credit note issued"),
        "invoice_voided": _("Invoice voided"),
        "paid": _("Invoice paid"),
        "reissued": _("Invoice reissued"),
        "reissue_refused": _("Reissue refused"),
        "custom_delivery_recorded": _("Custom delivery recorded"),
        "billing_profile_changed": _("Billing details changed"),
        "vies_rechecked": _("VAT number checked again in VIES"),
    }
)
