from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    """Plans, prices, subscriptions, payments and dunning (public schema)."""

    name = "billing.subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self) -> None:
        # The allowed moves of subscriptions and charges, and what follows another app's move
        # (a cancelled or closed account is never charged again, ACC-10).
        # Its personal-data sources (payment methods, charges, price notices; GDPR-6).
        # A charge follows its invoice when a BIL-8 re-issue replaces it; charges are listed with
        # the invoices in Min konto's billing history. A held invoice of a paid charge is marked
        # paid when it is issued (BIL-16). A paid charge's receipt carries its invoice's PDF (BIL-6).
        from billing.subscriptions import (  # noqa: F401
            chargeable,
            held_invoices,
            history,
            invoice_links,
            personal_data,
            states,
        )
        from billing.subscriptions.services import receipts  # noqa: F401
