from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    """Plans, subscriptions, invoices and credit notes (public schema: kept 10 years)."""

    name = "billing"
    verbose_name = _("Billing")
