from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    """Plans, subscriptions, invoices and credit notes (public schema: kept 10 years)."""

    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        # What billing holds about a person, for the privacy desk's access and erasure requests;
        # and billing's answers to what accounts asks through core.hooks.
        # And how its steps read in the one audit trail (core.audit).
        from billing import audit_labels, hooks, personal_data  # noqa: F401
