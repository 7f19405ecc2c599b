"""The built-in sandbox processor's own books: what a real processor keeps on its side (the card
behind a token, every charge and refund by idempotency key). Used by gateway.SandboxGateway."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.subscriptions.choices import PaymentKind


class SandboxToken(models.Model):
    """A card or PayPal agreement as the sandbox processor holds it. The test card's behaviour is
    stored instead of its number."""

    token = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=8, choices=PaymentKind.choices)
    behaviour = models.CharField(max_length=20)
    brand = models.CharField(max_length=20, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sandbox token")
        verbose_name_plural = _("sandbox tokens")

    def __str__(self) -> str:
        return self.token


class SandboxTransaction(models.Model):
    """A charge or refund the sandbox processor made. Its idempotency key is unique: the same
    request sent twice moves money once (as real processors promise)."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    token = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, default="charge")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    succeeded = models.BooleanField()
    code = models.CharField(max_length=40, blank=True)
    reference = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sandbox transaction")
        verbose_name_plural = _("sandbox transactions")

    def __str__(self) -> str:
        return self.reference
