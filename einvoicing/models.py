"""The e-invoice archive and its delivery (BIL-14), in the public schema beside the documents.

`EInvoice` keeps the UBL and CII of an issued document exactly as they were built and validated,
each with its SHA-256, once: a database trigger refuses any change or deletion (migration 0001),
as billing's trigger does for issued documents, so the XML lives as long as its document (10 years,
BIL-11). `Delivery` is the one delivery of a document, its idempotency key unique, so a retry can
never deliver twice. `SandboxMessage` is the built-in sandbox access point's own books.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.models import Document


class ValidationStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")


class EInvoice(models.Model):
    """The structured data of one issued invoice or credit note, stored once and never changed."""

    document = models.OneToOneField(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="einvoice"
    )
    ubl_xml = models.TextField(_("UBL XML"), blank=True)
    ubl_sha256 = models.CharField(_("UBL SHA-256"), max_length=64, blank=True)
    ubl_syntax = models.CharField(_("UBL syntax"), max_length=120, blank=True)
    ubl_status = models.CharField(_("UBL validation"), max_length=8, choices=ValidationStatus.choices)
    cii_xml = models.TextField(_("CII XML"), blank=True)
    cii_sha256 = models.CharField(_("CII SHA-256"), max_length=64, blank=True)
    cii_syntax = models.CharField(_("CII syntax"), max_length=120, blank=True)
    cii_status = models.CharField(_("CII validation"), max_length=8, choices=ValidationStatus.choices)
    # Every finding of both validations: [{"syntax", "rule_id", "flag", "message", "location"}].
    findings = models.JSONField(_("validation findings"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("e-invoice")
        verbose_name_plural = _("e-invoices")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.document)

    @property
    def is_valid(self) -> bool:
        return self.ubl_status == ValidationStatus.VALID and self.cii_status == ValidationStatus.VALID

    @property
    def fatal_findings(self) -> list[dict]:
        return [f for f in self.findings if f.get("flag") == "fatal"]


class Channel(models.TextChoices):
    PEPPOL = "peppol", _("Peppol")
    EMAIL = "email", _("E-mail only")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    REJECTED = "rejected", _("Rejected")
    HELD = "held", _("Not sent: the XML failed validation")


class Delivery(models.Model):
    """How one document reaches its buyer: through the Peppol provider, or by e-mail only."""

    document = models.OneToOneField(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="einvoice_delivery"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED, db_index=True
    )
    sender_id = models.CharField(_("sender participant"), max_length=100, blank=True)
    receiver_id = models.CharField(_("receiver participant"), max_length=100, blank=True)
    message_id = models.CharField(_("message id"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    TRANSITIONS = {
        DeliveryStatus.QUEUED: {DeliveryStatus.SENT, DeliveryStatus.REJECTED, DeliveryStatus.HELD},
        DeliveryStatus.SENT: {DeliveryStatus.DELIVERED, DeliveryStatus.REJECTED},
        DeliveryStatus.DELIVERED: set(),
        DeliveryStatus.REJECTED: set(),
        DeliveryStatus.HELD: set(),
    }

    class Meta:
        verbose_name = _("e-invoice delivery")
        verbose_name_plural = _("e-invoice deliveries")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document} ({self.get_status_display()})"


class SandboxMessage(models.Model):
    """A message the built-in sandbox access point accepted. The idempotency key is unique: the
    same document sent twice is one message (as real access points promise)."""

    idempotency_key = models.CharField(max_length=100, unique=True)
    message_id = models.CharField(max_length=64, unique=True)
    sender_id = models.CharField(max_length=100)
    receiver_id = models.CharField(max_length=100)
    xml_sha256 = models.CharField(max_length=64)
    outcome = models.CharField(max_length=10)  # delivered / bounced
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("sandbox Peppol message")
        verbose_name_plural = _("sandbox Peppol messages")

    def __str__(self) -> str:
        return self.message_id
