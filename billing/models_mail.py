"""The e-mail an issued document goes out with (BIL-14: the buyer gets the hybrid PDF attached),
sent once its PDF is stored. Kept beside the document, not on it: the document's row is frozen
after issue (migration 0005's trigger) and this row moves once, from waiting to sent."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentMailKind(models.TextChoices):
    # The document e-mail to the buyer snapshot's address (billing_document_issued).
    DOCUMENT = "document", _("document e-mail")
    # A card-paid invoice goes out with the payment's receipt to the Owner (BIL-6: one per payment).
    RECEIPT = "receipt", _("payment receipt")


class DocumentMail(models.Model):
    document = models.OneToOneField(
        "billing.Document", verbose_name=_("document"), on_delete=models.PROTECT, related_name="mail"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=DocumentMailKind.choices)
    created_at = models.DateTimeField(_("created"))
    # Set by the one run that sends it: a second render task or the missing-PDF job finds it set.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("document e-mail")
        verbose_name_plural = _("document e-mails")

    def __str__(self) -> str:
        return f"{self.document} ({self.kind})"
