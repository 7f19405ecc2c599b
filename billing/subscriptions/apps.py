from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscriptionsConfig(AppConfig):
    """Plans, prices, subscriptions, payments and dunning (public schema)."""

    name = "billing.subscriptions"
    label = "subscriptions"
    verbose_name = _("Subscriptions")
