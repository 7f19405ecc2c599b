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
    every change and every refused entry also lands in SupportAccessAudit.
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


class SupportAccessAudit(models.Model):
    """Append-only trail of consent changes and of every checked entry into an account (ACC-15, SUB-5)."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    account_name = models.CharField(_("account name"), max_length=200)
    event = models.CharField(_("event"), max_length=16, choices=SupportAccessEvent.choices)
    actor = models.CharField(_("actor"), max_length=254)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("support access audit entry")
        verbose_name_plural = _("support access audit")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.account_name} ({self.actor})"
