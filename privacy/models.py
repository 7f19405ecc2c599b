"""The privacy desk's records. All live in the public schema: they must outlive any account."""

import uuid

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from config.clock import today

# The register of processing activities (Art. 30) lives in privacy/records.py; imported here so
# its model is registered with the app.
from privacy.records import DataCategory, DataSource, DataSubjectGroup, LegalBasis, ProcessingRecord  # noqa: F401
from privacy.uploads import letter_path, private_storage


class RequestKind(models.TextChoices):
    INFORMATION = "information", _("Right to be informed")
    ACCESS = "access", _("Right of access")
    RECTIFICATION = "rectification", _("Right to rectification")
    ERASURE = "erasure", _("Right to erasure")
    RESTRICTION = "restriction", _("Right to restriction of processing")
    PORTABILITY = "portability", _("Right to data portability")
    OBJECTION = "objection", _("Right to object")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("Withdrawal of consent")


class RequestRole(models.TextChoices):
    # We decide why and how (our customers' own team, our marketing list).
    CONTROLLER = "controller", _("We are the controller")
    # The data sits in a customer's helpdesk; that customer decides (GDPR Art. 28(3)(e)).
    PROCESSOR = "processor", _("We are the processor")


class RequestStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Awaiting verification")
    OPEN = "open", _("Open")
    HANDED_OVER = "handed_over", _("Handed to the customer")
    COMPLETED = "completed", _("Completed")
    REFUSED = "refused", _("Refused")


class Channel(models.TextChoices):
    PUBLIC = "public", _("Public form")
    MINKONTO = "minkonto", _("Min konto")
    WRITTEN = "written", _("Written request")
    STAFF = "staff", _("Registered by staff")
    # GDPR-10: received outside the portal and registered by staff.
    EMAIL = "email", _("E-mail to us")
    PHONE = "phone", _("Phone call")
    LETTER = "letter", _("Letter by post")


def reference_next() -> str:
    """GDPR-10: the case reference, e.g. "GDPR-2026-00123". The number comes from a database
    sequence (migration 0005), so it is unique and never reused, even after a purge or a
    rollback. Five digits, not six: the mailer takes a run of six digits for a one-time code
    and keeps it out of the mail log (accounts/mail_redact.py), and the log must show the
    reference."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('privacy_request_reference_seq')")
        (number,) = cursor.fetchone()
    return f"GDPR-{today().year}-{number:05d}"


class PrivacyRequest(models.Model):
    """A data subject's request (GDPR-2). Its identity is verified before anything is disclosed
    or erased (GDPR-4); it is answered within a calendar month of receipt (GDPR-5)."""

    # GDPR-5: the only allowed moves, enforced by core.transitions.transition().
    TRANSITIONS = {
        RequestStatus.UNVERIFIED: {RequestStatus.OPEN},
        RequestStatus.OPEN: {RequestStatus.HANDED_OVER, RequestStatus.COMPLETED, RequestStatus.REFUSED},
        RequestStatus.HANDED_OVER: {RequestStatus.COMPLETED, RequestStatus.REFUSED},
        RequestStatus.COMPLETED: set(),
        RequestStatus.REFUSED: set(),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        _("case reference"), max_length=24, unique=True, default=reference_next, editable=False
    )
    kind = models.CharField(_("type"), max_length=24, choices=RequestKind.choices)
    role = models.CharField(_("our role"), max_length=16, choices=RequestRole.choices, default=RequestRole.CONTROLLER)
    status = models.CharField(
        _("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.UNVERIFIED, db_index=True
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PUBLIC)
    email = models.EmailField(_("e-mail"), db_index=True)
    full_name = models.CharField(_("full name"), max_length=200)
    language = models.CharField(_("language"), max_length=8, default="da")
    details = models.TextField(_("request"), blank=True)
    # GDPR-3: the written consent-withdrawal route.
    company = models.CharField(_("company"), max_length=200, blank=True)
    processor_name = models.CharField(_("data processor"), max_length=200, blank=True)
    signature_name = models.CharField(_("signature (typed name)"), max_length=200, blank=True)
    signature_confirmed = models.BooleanField(_("signature confirmed"), default=False)
    # Checked by content and kept outside any web root under a random name (privacy/uploads.py).
    signed_letter = models.FileField(
        _("signed letter"), upload_to=letter_path, storage=private_storage, blank=True, max_length=200
    )
    signed_letter_name = models.CharField(_("name of the uploaded file"), max_length=255, blank=True)
    portability_target = models.CharField(_("receiving provider"), max_length=200, blank=True)
    # The account whose helpdesk or team the request concerns (processor requests, Min konto).
    account = models.ForeignKey(
        "accounts.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="privacy_requests",
    )
    # No cascade and no constraint: the user table exists in every account schema too, and a
    # cascade run while a team member is deleted inside an account would reach this public
    # table through the search path and unassign staff with the same id. Staff are deactivated,
    # never deleted.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received"), db_index=True)
    # GDPR-10: the staff member who registered a request received by e-mail, phone or letter.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verification_method = models.CharField(_("verified by"), max_length=32, blank=True)
    due_on = models.DateField(_("due"))
    extended_months = models.PositiveSmallIntegerField(_("extended by months"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    handover_due_on = models.DateField(_("customer's answer due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Staff's own words to the requester. The portal's own outcomes are stored as a code and its
    # parameters and put into sentences in the requester's language when shown (privacy/outcomes.py).
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_code = models.CharField(_("outcome code"), max_length=32, blank=True)
    outcome_params = models.JSONField(_("outcome parameters"), default=dict, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    # One-time code (GDPR-4): stored hashed, expiring, with limited attempts.
    code_hash = models.CharField(max_length=128, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def is_closed(self) -> bool:
        return self.status in {RequestStatus.COMPLETED, RequestStatus.REFUSED}


class RequestAttachment(models.Model):
    """GDPR-10: a file staff received with a request (the letter, a scanned ID, an e-mail printed
    to PDF). Checked by content like the signed letter and kept outside any web root; part of
    the request's own record, deleted with it."""

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=letter_path, storage=private_storage, max_length=200)
    name = models.CharField(_("name of the uploaded file"), max_length=255, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name or self.file.name


class AuditAction(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFICATION_SENT = "verification_sent", _("Verification sent")
    VERIFICATION_FAILED = "verification_failed", _("Verification failed")
    VERIFIED = "verified", _("Verified")
    STATUS = "status", _("Status changed")
    ASSIGNED = "assigned", _("Assigned")
    EXTENDED = "extended", _("Deadline extended")
    HANDED_OVER = "handed_over", _("Handed to the customer")
    EXPORTED = "exported", _("Export prepared")
    DOWNLOADED = "downloaded", _("Export downloaded")
    LINK_REVOKED = "link_revoked", _("Download link revoked")
    ERASED = "erased", _("Data erased")
    RECTIFIED = "rectified", _("Data rectified")
    RESTRICTED = "restricted", _("Processing restricted")
    CONSENT = "consent", _("Consent changed")
    MAIL = "mail", _("E-mail sent")
    REMINDER = "reminder", _("Deadline reminder")
    PURGED = "purged", _("Unverified request purged")
    RETENTION = "retention", _("Retention run")
    # Erasure in steps (GDPR-8, GDPR-10): what staff saw, what they decided, what the worker did.
    ERASURE_PREVIEWED = "erasure_previewed", _("Erasure preview shown")
    ERASURE_HELD = "erasure_held", _("Erasure held")
    ERASURE_DECIDED = "erasure_decided", _("Erasure decision")
    ERASURE_CONFIRMED = "erasure_confirmed", _("Erasure confirmed")
    TASK_QUEUED = "task_queued", _("Work queued")
    TASK_FAILED = "task_failed", _("Work failed")


class ConsentPurpose(models.TextChoices):
    MARKETING = "marketing", _("Marketing e-mails")
    PROFILING = "profiling", _("Personalised offers based on product usage")


class ConsentSource(models.TextChoices):
    SIGNUP = "signup", _("Sign-up form")
    MINKONTO = "minkonto", _("Min konto")
    NEWSLETTER = "newsletter", _("Newsletter form")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
    REQUEST = "request", _("Privacy request")
    STAFF = "staff", _("Staff")


class Consent(models.Model):
    """GDPR-9: one grant of consent for one purpose; withdrawing stamps it, consenting again
    makes a new row, so the history stays readable."""

    email = models.EmailField(_("e-mail"), db_index=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    given_at = models.DateTimeField(_("given"))
    source = models.CharField(_("source"), max_length=16, choices=ConsentSource.choices)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_source = models.CharField(
        _("withdrawn through"), max_length=16, choices=ConsentSource.choices, blank=True
    )
    # GDPR-7: a customer's data is kept for the period of use + 5 years, anyone else's 5 years.
    is_customer = models.BooleanField(_("customer"), default=False)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["email", "purpose"], condition=models.Q(withdrawn_at__isnull=True), name="one_live_consent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.purpose}"


class SubjectFlag(models.Model):
    """Restriction (Art. 18) or objection (Art. 21): stops marketing and profiling at once."""

    class Kind(models.TextChoices):
        RESTRICTION = "restriction", _("Restriction of processing")
        OBJECTION = "objection", _("Objection")

    email = models.EmailField(_("e-mail"), db_index=True)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    since = models.DateTimeField(_("since"))
    request = models.ForeignKey(PrivacyRequest, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("restriction or objection")
        verbose_name_plural = _("restrictions and objections")

    def __str__(self) -> str:
        return f"{self.email} · {self.kind}"


class Export(models.Model):
    """An access/portability export, delivered through an expiring, revocable link (GDPR-6)."""

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="exports")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    json_file = models.FileField(upload_to="privacy/exports/")
    pdf_file = models.FileField(upload_to="privacy/exports/")
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self) -> str:
        return f"export {self.pk} of request {self.request_id}"


class ErasureStep(models.Model):
    """One source (in one schema) erased for one request: an interrupted erasure resumes from
    the first source without a row here."""

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="erasure_steps")
    source = models.CharField(max_length=100)
    schema_name = models.CharField(max_length=63)
    done_at = models.DateTimeField()
    result = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "source", "schema_name"], name="one_step_per_source")]

    def __str__(self) -> str:
        return f"{self.source} @ {self.schema_name}"
