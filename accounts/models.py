"""Public-schema models: the account (tenant) itself, its host names and the mail log.
They outlive an account's schema."""

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

    auto_create_schema = True
    auto_drop_schema = True

    objects = AccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]

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
    account = models.ForeignKey(
        Account, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="mails"
    )

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("mail log")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient}"
