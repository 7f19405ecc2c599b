"""Public-schema models: the account (tenant) itself, its host names and the mail log.
They outlive an account's schema."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class Region(models.TextChoices):
    EU = "EU", _("European Union")
    UK = "UK", _("United Kingdom")
    US = "US", _("United States")
    APAC = "APAC", _("Asia-Pacific")


class Language(models.TextChoices):
    DA = "da", _("Danish")
    NB = "nb", _("Norwegian Bokmål")
    EN = "en", _("English")


class AccountKind(models.TextChoices):
    PUBLIC = "public", _("Public schema")
    TEMPLATE = "template", _("Template schema")
    CUSTOMER = "customer", _("Customer account")


class AccountStatus(models.TextChoices):
    TRIAL = "trial", _("Trial")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REACTIVATED = "reactivated", _("Temporarily reactivated")
    CANCELLED = "cancelled", _("Cancelled")
    CLOSED = "closed", _("Closed")


class AccountQuerySet(models.QuerySet):
    def customers(self) -> "AccountQuerySet":
        """Customer accounts only: never the public or the template schema."""
        return self.filter(kind=AccountKind.CUSTOMER)


class AccountManager(models.Manager.from_queryset(AccountQuerySet)):  # type: ignore[misc]
    """The default manager skips accounts whose schema has been dropped (ACC-7/10/11), so
    `migrate_schemas`, jobs and every fan-out over accounts never touch a missing schema.
    `Account.all_objects` (also the base manager, so invoices and GDPR records still reach their
    account) includes them."""

    def get_queryset(self) -> AccountQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Account(TenantMixin):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("sub-domain"), max_length=63, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices, default=AccountKind.CUSTOMER)
    region = models.CharField(_("data region"), max_length=8, choices=Region.choices, default=Region.EU)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.DA)
    status = models.CharField(_("status"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.TRIAL)
    plan_name = models.CharField(_("plan"), max_length=100, blank=True)
    trial_ends_at = models.DateTimeField(_("trial ends"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Lifecycle (ACC-5 … ACC-12). The status changes only through accounts.lifecycle.
    suspended_at = models.DateTimeField(
        _("suspended since"), null=True, blank=True, help_text=_("Start of the 30-day reactivation window.")
    )
    reactivated_until = models.DateTimeField(_("temporary access until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    deleted_at = models.DateTimeField(
        _("data deleted"), null=True, blank=True, help_text=_("When the account's schema was dropped.")
    )
    # ACC-11 inactivity. last_login_at is kept here (not only in the account's schema) so the
    # daily job reads one table for every account.
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)
    inactivity_warned_at = models.DateTimeField(_("inactivity warning sent"), null=True, blank=True)
    inactivity_exempt = models.BooleanField(_("exempt from inactivity deletion"), default=False)
    # ACC-9 / ACC-13: seats and fair-use limits; staff may change them without notice.
    seat_limit = models.PositiveSmallIntegerField(_("seats"), default=5)
    storage_limit_gb = models.PositiveIntegerField(_("storage limit (GB)"), default=10)
    shared_login_flagged = models.BooleanField(_("shared login suspected"), default=False)

    auto_create_schema = True
    auto_drop_schema = True

    objects = AccountManager()
    all_objects = AccountQuerySet.as_manager()

    # The allowed status moves, enforced by core.transitions.transition (accounts.lifecycle).
    # "Deleted" is not a status: a purged account stays cancelled or closed (see lifecycle).
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        AccountStatus.TRIAL: {
            AccountStatus.ACTIVE,
            AccountStatus.SUSPENDED,
            AccountStatus.CANCELLED,
            AccountStatus.CLOSED,
        },
        AccountStatus.ACTIVE: {AccountStatus.SUSPENDED, AccountStatus.CANCELLED, AccountStatus.CLOSED},
        AccountStatus.SUSPENDED: {
            AccountStatus.REACTIVATED,
            AccountStatus.ACTIVE,
            AccountStatus.CANCELLED,
            AccountStatus.CLOSED,
        },
        AccountStatus.REACTIVATED: {
            AccountStatus.ACTIVE,
            AccountStatus.SUSPENDED,
            AccountStatus.CANCELLED,
            AccountStatus.CLOSED,
        },
        AccountStatus.CANCELLED: set(),
        AccountStatus.CLOSED: set(),
    }

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.name

    @property
    def is_customer(self) -> bool:
        return self.kind == AccountKind.CUSTOMER


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("host name")
        verbose_name_plural = _("host names")

    def __str__(self) -> str:
        return self.domain


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SUPPRESSED = "suppressed", _("Suppressed")


class MailLog(models.Model):
    """Every e-mail the portal sends, as evidence (price notices, GDPR answers, receipts)."""

    created_at = models.DateTimeField(_("created"), db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient = models.EmailField(_("recipient"))
    template = models.CharField(_("template"), max_length=100, db_index=True)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    status = models.CharField(_("status"), max_length=16, choices=MailStatus.choices, default=MailStatus.QUEUED)
    error = models.TextField(_("error"), blank=True)
    # Delivery attempts so far; a refused mail is retried with backoff (accounts/mail_delivery.py).
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="mails"
    )

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("mail log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient}"


# --- Lifecycle and staff desk (public schema: these outlive an account's schema; the audit is core.AuditEvent) ---


class FreeMailDomain(models.Model):
    """ACC-3: sign-ups from these e-mail domains get the short trial. Staff edit the list."""

    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        verbose_name = _("free-mail domain")
        verbose_name_plural = _("free-mail domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class CancellationRequest(models.Model):
    """ACC-10: a cancellation received by e-mail, logged by staff, to be confirmed within one
    business day."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="cancellation_requests"
    )
    received_at = models.DateTimeField(_("received"))
    sender = models.EmailField(_("sender"))
    logged_by = models.CharField(_("logged by"), max_length=254)
    confirm_by = models.DateTimeField(_("confirm by"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.CharField(_("confirmed by"), max_length=254, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("e-mail cancellation")
        verbose_name_plural = _("e-mail cancellations")
        ordering = ["confirmed_at", "confirm_by"]

    def __str__(self) -> str:
        return f"{self.account} · {self.received_at:%Y-%m-%d}"


class SharedLoginFlag(models.Model):
    """ACC-8: one user seen active at once from two devices on two networks."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="shared_login_flags"
    )
    user_email = models.EmailField(_("user"))
    detected_at = models.DateTimeField(_("detected"))
    evidence = models.JSONField(_("evidence"), default=list)
    surcharge = models.BooleanField(_("surcharge on next invoice"), default=False)
    surcharge_marked_by = models.CharField(_("surcharge set by"), max_length=254, blank=True)
    surcharge_invoiced_at = models.DateTimeField(_("surcharge invoiced"), null=True, blank=True)

    class Meta:
        verbose_name = _("shared-login flag")
        verbose_name_plural = _("shared-login flags")
        ordering = ["-detected_at"]

    def __str__(self) -> str:
        return f"{self.account} · {self.user_email}"


class LifetimeCodeBatch(models.Model):
    """LTD-2: codes are imported in batches; each batch closes at a staff-set deadline."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    redeem_by = models.DateTimeField(_("redeem by"))
    seats = models.PositiveSmallIntegerField(_("lifetime seats"), default=2)
    plan_name = models.CharField(_("plan"), max_length=100, default="All-inclusive")
    imported_at = models.DateTimeField(_("imported"))

    class Meta:
        verbose_name = _("lifetime code batch")
        verbose_name_plural = _("lifetime code batches")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.name


class LifetimeCode(models.Model):
    """LTD-1/3: a code works once; an account holds at most one (no stacking)."""

    batch = models.ForeignKey(
        LifetimeCodeBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="codes"
    )
    code = models.CharField(_("code"), max_length=64, unique=True)
    account = models.OneToOneField(
        Account,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lifetime_code",
    )
    redeemed_at = models.DateTimeField(_("redeemed"), null=True, blank=True)
    refused_attempts = models.PositiveIntegerField(_("refused re-use attempts"), default=0)

    class Meta:
        verbose_name = _("lifetime code")
        verbose_name_plural = _("lifetime codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class SignupTicket(models.Model):
    """ACC-2: the sign-up form's timer token is single use. Its nonce is stored in the same
    transaction as the new account, so a second sign-up with the same token is refused, while a
    refused sign-up (a taken address, say) leaves the token usable for the corrected form."""

    nonce = models.CharField(max_length=32, unique=True)
    used_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.nonce


class PooledSchema(models.Model):
    """A schema cloned from the template ahead of any sign-up (accounts/pool.py): a sign-up renames
    one to the new account's schema instead of cloning while the visitor waits. `migrations`: how
    many migrations the template had applied when it was cloned; a pooled schema from before a
    migration is never handed out (the pool is rebuilt after `migrate_schemas`)."""

    schema_name = models.CharField(max_length=63, unique=True)
    migrations = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pooled schema")
        verbose_name_plural = _("pooled schemas")

    def __str__(self) -> str:
        return self.schema_name
