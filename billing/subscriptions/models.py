"""Plans, prices, subscriptions, payment methods, charges and the staff's billing settings.

All in the public schema: a subscription and its charges are evidence for invoices that are kept
10 years, so they outlive the account's own schema. The portal never stores a card number or
CVC: a payment method is the processor's token with brand, last 4 digits and expiry (BIL-7).
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, MailLog
from billing.subscriptions.choices import (
    ChargeKind,
    ChargeStatus,
    Cycle,
    PaymentKind,
    PrepaidStatus,
    SubscriptionStatus,
)

# The sandbox processor's books are models of this app too; importing them here registers them.
from billing.subscriptions.sandbox_books import SandboxToken, SandboxTransaction  # noqa: F401


class Plan(models.Model):
    """A plan's lasting facts. Its prices are versioned in `PlanPrice`."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0, help_text=_("A higher rank is an upgrade."))
    seat_limit = models.PositiveSmallIntegerField(
        _("seat limit"), null=True, blank=True, help_text=_("Most agents the plan allows; empty means no limit.")
    )
    features = models.JSONField(_("features"), default=list, blank=True)
    is_public = models.BooleanField(_("offered to customers"), default=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_free(self) -> bool:
        return self.code == "free"


class PlanPrice(models.Model):
    """One price version of a plan from `effective_from` on (BIL-4). A change for existing
    customers is a new row whose effective date is at least 30 days after the notice e-mail."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="prices")
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    monthly_per_agent = models.DecimalField(_("monthly price per agent"), max_digits=10, decimal_places=2)
    annual_per_agent = models.DecimalField(_("annual price per agent"), max_digits=10, decimal_places=2)
    effective_from = models.DateTimeField(_("effective from"), db_index=True)
    notice_sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    created_by = models.CharField(_("created by"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("plan price")
        verbose_name_plural = _("plan prices")
        ordering = ["plan__rank", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "effective_from"], name="one_plan_price_per_moment"),
            models.CheckConstraint(
                condition=models.Q(monthly_per_agent__gte=0) & models.Q(annual_per_agent__gte=0),
                name="plan_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.monthly_per_agent} {self.currency} ({self.effective_from:%Y-%m-%d})"

    def per_agent(self, cycle: str) -> Decimal:
        return self.annual_per_agent if cycle == Cycle.ANNUAL else self.monthly_per_agent


class PriceNotice(models.Model):
    """BIL-4 evidence: the notice of a price change, sent to one account's Owner."""

    price = models.ForeignKey(PlanPrice, verbose_name=_("price"), on_delete=models.PROTECT, related_name="notices")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    recipient = models.EmailField(_("recipient"))
    mail = models.ForeignKey(MailLog, verbose_name=_("e-mail"), null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("price notice")
        verbose_name_plural = _("price notices")
        constraints = [models.UniqueConstraint(fields=["price", "account"], name="one_price_notice_per_account")]

    def __str__(self) -> str:
        return f"{self.price} → {self.recipient}"


class PaymentMethod(models.Model):
    """The processor's token and what may be shown of it — never the number or the CVC."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="payment_methods"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PaymentKind.choices)
    gateway = models.CharField(_("payment processor"), max_length=20, default="sandbox")
    token = models.CharField(_("token"), max_length=64)
    brand = models.CharField(_("brand"), max_length=20, blank=True)
    last4 = models.CharField(_("last 4 digits"), max_length=4, blank=True)
    exp_month = models.PositiveSmallIntegerField(_("expiry month"), null=True, blank=True)
    exp_year = models.PositiveSmallIntegerField(_("expiry year"), null=True, blank=True)
    payer_email = models.EmailField(_("PayPal e-mail"), blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    created_at = models.DateTimeField(_("added"))
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(is_current=True), name="one_current_payment_method"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == PaymentKind.PAYPAL:
            return f"PayPal {self.payer_email}"
        return f"{self.brand} •••• {self.last4} ({self.exp_month:02d}/{self.exp_year})"


class Subscription(models.Model):
    """An account's paid plan. Billed in advance at the start of each period (BIL-1); the
    periods are counted from `anchor` (month ends clip, see proration.add_months)."""

    account = models.OneToOneField(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="subscription"
    )
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    cycle = models.CharField(_("billing cycle"), max_length=8, choices=Cycle.choices, default=Cycle.MONTHLY)
    status = models.CharField(
        _("status"), max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    anchor = models.DateTimeField(_("billing anchor"))
    period_start = models.DateTimeField(_("current period from"))
    period_end = models.DateTimeField(_("current period to"), db_index=True)
    # Downgrades, seat removals and cycle switches wait for the next period (BIL-3).
    pending_plan = models.ForeignKey(
        Plan, verbose_name=_("plan from next period"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pending_seats = models.PositiveSmallIntegerField(_("seats from next period"), null=True, blank=True)
    pending_cycle = models.CharField(_("cycle from next period"), max_length=8, choices=Cycle.choices, blank=True)
    # LTD-4/5: seats included for life (lifetime-code accounts); only seats beyond are billed.
    included_seats = models.PositiveSmallIntegerField(_("seats included for life"), default=0)
    created_at = models.DateTimeField(_("created"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["period_end"]

    def __str__(self) -> str:
        return f"{self.account} · {self.plan} × {self.seats} ({self.get_cycle_display()})"

    @property
    def has_pending_change(self) -> bool:
        return bool(self.pending_plan_id or self.pending_seats or self.pending_cycle)


class Charge(models.Model):
    """One amount owed for one reason. The row is claimed before the processor is called, so the
    unique constraints — not luck — keep a retried task or a second worker from charging twice."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="charges")
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.PROTECT, related_name="charges"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ChargeKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.PENDING, db_index=True
    )
    period_start = models.DateTimeField(_("period from"))
    period_end = models.DateTimeField(_("period to"))
    description = models.CharField(_("description"), max_length=300)
    # Net + VAT = amount (what the processor charges). The tax decision is taken when the charge
    # is created and handed to the invoice as is, so the invoice always equals what was charged.
    net_amount = models.DecimalField(_("net"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    vat_amount = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3)
    tax_treatment = models.CharField(_("tax treatment"), max_length=24, blank=True)
    tax_country = models.CharField(_("tax country"), max_length=2, blank=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("0.00"))
    # A change's idempotency key (quote timestamp + target): a double submit finds this row.
    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    # What the charge buys, applied when it is paid (upgrade: the target plan and seats).
    terms = models.JSONField(_("terms"), default=dict, blank=True)
    # The invoice lines, [description, quantity, unit price] (e.g. a shared-login surcharge, ACC-8).
    lines = models.JSONField(_("lines"), default=list, blank=True)
    payment_method = models.ForeignKey(
        PaymentMethod,
        verbose_name=_("payment method"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True, db_index=True)
    gateway_ref = models.CharField(_("processor reference"), max_length=64, blank=True)
    failure_code = models.CharField(_("failure code"), max_length=40, blank=True)
    # The invoice issued for this charge (billing.Document id and number), once issued.
    invoice_id = models.PositiveIntegerField(_("invoice id"), null=True, blank=True, unique=True)
    invoice_number = models.CharField(_("invoice"), max_length=30, blank=True)
    refund_of = models.ForeignKey(
        "self", verbose_name=_("refund of"), null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    created_at = models.DateTimeField(_("created"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["-created_at", "-id"]
        constraints = [
            # BIL-1: one bill per subscription and period, whatever retries or a second worker do.
            models.UniqueConstraint(
                fields=["subscription", "period_start"],
                condition=models.Q(kind__in=["first", "renewal"]),
                name="one_charge_per_subscription_period",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_retry_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} ({self.get_status_display()})"


class PrepaidCredit(models.Model):
    """BIL-10: an annual prepayment for a number of seats. Its value is spent in seat-time: more
    seats end it sooner, fewer seats later; what is unused is refundable less the staff's fee."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    subscription = models.ForeignKey(
        Subscription, verbose_name=_("subscription"), on_delete=models.PROTECT, related_name="prepaid_credits"
    )
    charge = models.OneToOneField(Charge, verbose_name=_("prepayment"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("value (net)"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    seats_bought = models.PositiveSmallIntegerField(_("seats bought"))
    seats = models.PositiveSmallIntegerField(_("seats now"))
    seat_seconds = models.BigIntegerField(_("seat-seconds bought"))
    started_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    status = models.CharField(_("status"), max_length=10, choices=PrepaidStatus.choices, default=PrepaidStatus.ACTIVE)
    refund = models.ForeignKey(
        Charge, verbose_name=_("refund"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    credit_note_number = models.CharField(_("credit note"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("prepaid credit")
        verbose_name_plural = _("prepaid credits")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.account} · {self.value} {self.currency} ({self.started_at:%Y-%m-%d} – {self.ends_at:%Y-%m-%d})"


class ChargeAttempt(models.Model):
    """Every call to the processor for a charge, as evidence for dunning (BIL-12)."""

    charge = models.ForeignKey(Charge, verbose_name=_("charge"), on_delete=models.PROTECT, related_name="tries")
    at = models.DateTimeField(_("at"))
    succeeded = models.BooleanField(_("succeeded"))
    code = models.CharField(_("code"), max_length=40, blank=True)
    gateway_ref = models.CharField(_("processor reference"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("payment attempt")
        verbose_name_plural = _("payment attempts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.succeeded else self.code}"


class BillingSettings(models.Model):
    """Staff settings for dunning and fees. One row (pk=1), edited in the admin."""

    retry_days = models.CharField(
        _("retry schedule (days after the failed renewal)"),
        max_length=100,
        default="1,3,5,7,9,11,14",
        help_text=_(
            "Comma-separated days after the failed renewal; with the first attempt that makes 8 tries over "
            "14 days. After the last retry the account is suspended."
        ),
    )
    prepaid_cancellation_fee_percent = models.DecimalField(
        _("prepaid cancellation fee (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    shared_login_surcharge = models.DecimalField(
        _("shared-login surcharge per month"), max_digits=10, decimal_places=2, default=Decimal("39.00")
    )
    enterprise_end_users = models.PositiveIntegerField(_("enterprise threshold: end users"), default=10000)
    enterprise_tickets_per_agent = models.PositiveIntegerField(
        _("enterprise threshold: tickets per agent per month"), default=1000
    )

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self) -> str:
        return str(_("Billing settings"))

    @classmethod
    def current(cls) -> "BillingSettings":
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings

    def retry_offsets(self) -> list[int]:
        return sorted({int(part) for part in self.retry_days.split(",") if part.strip()})


class AccountUsage(models.Model):
    """BIL-5: an account's size in a month, as the helpdesk reports it (API or admin). Accounts over
    the staff's thresholds are candidates for an enterprise agreement."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    end_users = models.PositiveIntegerField(_("end users"))
    tickets = models.PositiveIntegerField(_("tickets"))
    agents = models.PositiveIntegerField(_("agents"), validators=[MinValueValidator(1)])
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        verbose_name = _("account usage")
        verbose_name_plural = _("account usage")
        ordering = ["-month", "account"]
        constraints = [models.UniqueConstraint(fields=["account", "month"], name="one_usage_per_account_month")]

    def __str__(self) -> str:
        return f"{self.account} · {self.month:%Y-%m}"

    @property
    def tickets_per_agent(self) -> Decimal:
        return (Decimal(self.tickets) / self.agents).quantize(Decimal("0.1"))
