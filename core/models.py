"""The one audit trail (issue 10): every change, entry and decision of every app is one row of
`AuditEvent`, written by `core.audit.record()` in the transaction that makes the change.

The table lives in the public schema (core is a shared app) and is append-only in the database:
a trigger refuses UPDATE and DELETE (migration 0001), so neither a bug nor a person with SQL can
rewrite history. The account is kept as a bare id (no foreign key): accounts are purged, their
trail is not.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditDomain(models.TextChoices):
    ACCOUNT = "account", _("Account")
    BILLING = "billing", _("Billing")
    PRIVACY = "privacy", _("Privacy")
    SUPPORT = "support", _("Support access")
    REGISTRY = "registry", _("Sub-processor registry")


class ActorKind(models.TextChoices):
    STAFF = "staff", _("Staff member")
    CUSTOMER = "customer", _("Customer user")
    SYSTEM = "system", _("System")
    JOB = "job", _("Scheduled job")


class AuditEvent(models.Model):
    """One step in the history of something: who (a typed actor), did what (an action code with
    its parameters), to what (the subject and its account), why, and the state before and after.
    The admin shows the action through the label its app registered (`core.audit.describe`)."""

    occurred_at = models.DateTimeField(_("when"), db_index=True)
    domain = models.CharField(_("domain"), max_length=16, choices=AuditDomain.choices, db_index=True)
    subject_type = models.CharField(_("subject type"), max_length=100, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    subject_label = models.CharField(_("subject"), max_length=200, blank=True)
    account_id = models.BigIntegerField(_("account id"), null=True, blank=True, db_index=True)
    actor_kind = models.CharField(_("actor type"), max_length=16, choices=ActorKind.choices)
    actor_id = models.CharField(_("actor id"), max_length=64, blank=True)
    actor_label = models.CharField(_("by"), max_length=254, blank=True)
    action = models.CharField(_("action code"), max_length=64, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="core_audit_subject")]

    def __str__(self) -> str:
        # the action in words is core.audit.describe(); a code never reaches a reader
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.subject_label}"
