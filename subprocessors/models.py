"""Public-schema models of the registry, the policy texts and the SUB-5 support-access consent.

Everything here must outlive an account's schema (evidence of consent, of notices sent, of the
texts that applied), so it lives in the public schema and points at the account row.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Account


class SupportAccessConsent(models.Model):
    """SUB-5: the account's switch letting staff and support subcontractors see its data.

    One row per account; no row means "never granted". Who changed it and when is kept on the row,
    every change and every entry attempt also lands in the one audit trail (core.AuditEvent).
    """

    account = models.OneToOneField(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="support_access"
    )
    granted = models.BooleanField(_("access granted"), default=False)
    changed_by = models.CharField(_("changed by"), max_length=254, blank=True)
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("support access consent")
        verbose_name_plural = _("support access consents")

    def __str__(self) -> str:
        return f"{self.account}: {'granted' if self.granted else 'not granted'}"


class SupportAccessEvent(models.TextChoices):
    GRANTED = "granted", _("Consent granted")
    REVOKED = "revoked", _("Consent revoked")
    ENTRY_ALLOWED = "entry_allowed", _("Entry allowed")
    ENTRY_REFUSED = "entry_refused", _("Entry refused")


# --- The registry (SUB-1, SUB-2, SUB-4) -------------------------------------------------------


class Group(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("Infrastructure sub-processors")
    SERVICE = "service", _("Other sub-processors")
    SUPPORT = "support", _("Subcontractors for 24/7 support")


class ServedRegion(models.TextChoices):
    """The data regions of SUB-2 (accounts.Region) plus "all", for services used everywhere."""

    EU = "EU", _("European Union")
    UK = "UK", _("United Kingdom")
    US = "US", _("United States")
    APAC = "APAC", _("Asia-Pacific")
    ALL = "ALL", _("All regions")


class DataCategory(models.TextChoices):
    ACCOUNT = "account", _("Account and user data")
    CONTACT = "contact", _("End-customer contact data")
    TICKETS = "tickets", _("Tickets, chats and messages")
    CALLS = "calls", _("Phone calls and recordings")
    USAGE = "usage", _("Product usage and technical logs")
    BILLING = "billing", _("Billing data")


class TransferMechanism(models.TextChoices):
    EEA = "eea", _("Within the EU/EEA, no transfer")
    ADEQUACY = "adequacy", _("Adequacy decision")
    SCC = "scc", _("Standard contractual clauses")
    DPF = "dpf", _("EU-U.S. Data Privacy Framework")


class SubProcessor(models.Model):
    """The working copy staff edit. The public sees only published versions (RegistryVersion)."""

    key = models.SlugField(
        _("key"), max_length=80, unique=True, help_text=_("Stable identifier used in JSON, feeds and diffs.")
    )
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    legal_entity = models.CharField(_("legal entity"), max_length=200)
    registered_address = models.CharField(_("registered address"), max_length=300)
    purpose_en = models.TextField(_("purpose (English)"))
    purpose_da = models.TextField(_("purpose (Danish)"))
    purpose_nb = models.TextField(_("purpose (Norwegian Bokmål)"))
    processing_location = models.CharField(_("processing location"), max_length=200)
    region = models.CharField(_("region served"), max_length=8, choices=ServedRegion.choices)
    data_categories = models.JSONField(_("data categories"), default=list, blank=True)
    certifications = models.CharField(
        _("certifications"), max_length=300, blank=True, help_text=_("Comma-separated, e.g. ISO 27001, PCI DSS.")
    )
    transfer_mechanism = models.CharField(_("transfer mechanism"), max_length=16, choices=TransferMechanism.choices)
    start_date = models.DateField(_("start date"))
    listed = models.BooleanField(
        _("listed"), default=True, help_text=_("Untick to remove the entry from the next published version.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sub-processor")
        verbose_name_plural = _("sub-processors")
        ordering = ["group", "position", "legal_entity"]

    def __str__(self) -> str:
        return f"{self.legal_entity} ({self.processing_location})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = set(self.data_categories or []) - set(DataCategory.values)
        if unknown:
            raise ValidationError({"data_categories": _("Unknown data category.")})


class RegistryVersion(models.Model):
    """One published state of the registry, immutable: its entries are frozen in `entries`
    (the JSON shape of selectors.entry_json) and `changes` lists what differs from the previous one."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    published_at = models.DateTimeField(_("published"))
    published_by = models.CharField(_("published by"), max_length=254)
    note = models.TextField(_("note"), blank=True)
    entries = models.JSONField(_("entries"), default=list)
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("registry version")
        verbose_name_plural = _("registry versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"#{self.number} ({self.published_at:%Y-%m-%d})"


class Subscriber(models.Model):
    """A person who asked for registry notices (SUB-4): double opt-in, one-click unsubscribe."""

    email = models.EmailField(_("e-mail"), unique=True)
    language = models.CharField(_("language"), max_length=8, default="da")
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class OwnerOptOut(models.Model):
    """Owners are subscribed by default; this row records that an account's Owner opted out."""

    account = models.OneToOneField(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("owner opt-out")
        verbose_name_plural = _("owner opt-outs")

    def __str__(self) -> str:
        return str(self.account)


class Notice(models.Model):
    """Advance notice of a new sub-processor (SUB-4), created when a version adding it is published."""

    version = models.ForeignKey(RegistryVersion, verbose_name=_("version"), on_delete=models.PROTECT)
    key = models.SlugField(_("key"), max_length=80)
    legal_entity = models.CharField(_("legal entity"), max_length=200)
    region = models.CharField(_("region served"), max_length=8, choices=ServedRegion.choices)
    start_date = models.DateField(_("start date"))
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("notice of a new sub-processor")
        verbose_name_plural = _("notices of new sub-processors")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="subprocessors_notice_once")]

    def __str__(self) -> str:
        return f"{self.legal_entity} from {self.start_date}"


class NoticeDelivery(models.Model):
    """One notice e-mail to one address: the unique pair makes sending idempotent."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField(_("e-mail"))
    account = models.ForeignKey(
        Account, verbose_name=_("account"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("notice delivery")
        verbose_name_plural = _("notice deliveries")
        constraints = [models.UniqueConstraint(fields=["notice", "email"], name="subprocessors_delivery_once")]

    def __str__(self) -> str:
        return f"{self.email} ({self.sent_at:%Y-%m-%d})"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Objection(models.Model):
    """An Owner's objection to a new sub-processor, a case tracked by staff (SUB-4)."""

    # Allowed moves, enforced by core.transitions; each writes the account's audit row (GDPR-8).
    TRANSITIONS = {CaseStatus.OPEN: {CaseStatus.RESOLVED}, CaseStatus.RESOLVED: set()}

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="objections")
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    raised_by = models.CharField(_("raised by"), max_length=254)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("created"))
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    staff_note = models.TextField(_("staff note"), blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["notice", "account"], name="subprocessors_objection_once")]

    def __str__(self) -> str:
        return f"{self.account} / {self.notice.legal_entity}"


class DpaStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SIGNED = "signed", _("Signed")
    DECLINED = "declined", _("Declined")


class DpaRequest(models.Model):
    """SUB-3: an account asks to enter the data-processing agreement; staff record the signed version."""

    # Allowed moves, enforced by core.transitions; each writes the account's audit row (GDPR-8).
    TRANSITIONS = {
        DpaStatus.REQUESTED: {DpaStatus.SIGNED, DpaStatus.DECLINED},
        DpaStatus.SIGNED: set(),
        DpaStatus.DECLINED: set(),
    }

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.CharField(_("requested by"), max_length=254)
    requested_at = models.DateTimeField(_("requested"))
    status = models.CharField(_("status"), max_length=16, choices=DpaStatus.choices, default=DpaStatus.REQUESTED)
    signed_version = models.CharField(_("signed DPA version"), max_length=50, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    handled_by = models.CharField(_("handled by"), max_length=254, blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("DPA request")
        verbose_name_plural = _("DPA requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.account} ({self.get_status_display()})"


# --- Policy texts (ACC-14) --------------------------------------------------------------------


class PolicyKind(models.TextChoices):
    TERMS = "terms", _("Terms of service")
    DATA_PROCESSING = "data-processing", _("Data processing")


class PolicyVersion(models.Model):
    """A policy text in Markdown per language; sanitised when rendered. Published versions are
    numbered per kind and never edited; the current one is the newest already in effect."""

    kind = models.CharField(_("kind"), max_length=32, choices=PolicyKind.choices)
    number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_da = models.CharField(_("title (Danish)"), max_length=200)
    title_nb = models.CharField(_("title (Norwegian Bokmål)"), max_length=200)
    body_en = models.TextField(_("text (English, Markdown)"))
    body_da = models.TextField(_("text (Danish, Markdown)"))
    body_nb = models.TextField(_("text (Norwegian Bokmål, Markdown)"))
    effective_date = models.DateField(_("effective date"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy text")
        verbose_name_plural = _("policy texts")
        ordering = ["kind", "-effective_date", "-number"]
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="subprocessors_policy_number")]

    def __str__(self) -> str:
        label = f"v{self.number}" if self.number else "draft"
        return f"{self.get_kind_display()} {label} ({self.effective_date})"

    def localized(self, field: str, language: str) -> str:
        return getattr(self, f"{field}_{language}", None) or getattr(self, f"{field}_en")


class PolicySeen(models.Model):
    """ACC-14: which policy versions an account has seen (public schema, survives the account's data)."""

    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(PolicyVersion, verbose_name=_("policy text"), on_delete=models.PROTECT)
    seen_by = models.CharField(_("seen by"), max_length=254)
    seen_at = models.DateTimeField(_("seen"))

    class Meta:
        verbose_name = _("policy seen")
        verbose_name_plural = _("policies seen")
        constraints = [models.UniqueConstraint(fields=["account", "policy"], name="subprocessors_policy_seen_once")]

    def __str__(self) -> str:
        return f"{self.account} / {self.policy}"
