"""The choices of the subscription models: billing cycles, payment kinds, and the statuses whose
allowed moves are declared in states.py (BIL-1, BIL-10, BIL-12)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cycle(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Annual")


class PaymentKind(models.TextChoices):
    CARD = "card", _("Card")
    PAYPAL = "paypal", _("PayPal")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Payment overdue")
    ENDED = "ended", _("Ended")


class ChargeKind(models.TextChoices):
    FIRST = "first", _("First period")
    RENEWAL = "renewal", _("Renewal")
    UPGRADE = "upgrade", _("Upgrade (prorated)")
    PREPAID = "prepaid", _("Annual prepayment")
    REFUND = "refund", _("Refund")


class ChargeStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed, in dunning")
    ABANDONED = "abandoned", _("Abandoned")
    REFUNDED = "refunded", _("Refunded")


class PrepaidStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    REFUNDED = "refunded", _("Refunded (discontinued)")
