"""The record of processing activities (GDPR Art. 30) and its enumerations."""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from subprocessors.models import SubProcessor


class DataCategory(models.TextChoices):
    NAME = "name", _("Name")
    ADDRESS = "address", _("Address")
    PHONE = "phone", _("Phone number")
    EMAIL = "email", _("E-mail address")
    IP = "ip", _("IP address")
    PURCHASES = "purchases", _("Purchases")
    USAGE = "usage", _("Product usage")
    CALLS = "calls", _("Phone calls and recordings")
    CONTACT = "contact", _("Other contact (e-mail, chat, Facebook, tweets)")
    SUPPORT = "support", _("Support data")
    GEO = "geo", _("Geolocation")
    BROWSER = "browser", _("Browser and system data")


class DataSubjectGroup(models.TextChoices):
    CUSTOMERS = "customers", _("Customers and their users")
    PROSPECTS = "prospects", _("Prospects and newsletter subscribers")
    END_USERS = "end_users", _("Our customers' end users (as processor)")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent (Art. 6(1)(a))")
    CONTRACT = "contract", _("Contract (Art. 6(1)(b))")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (Art. 6(1)(c))")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest (Art. 6(1)(f))")


class DataSource(models.TextChoices):
    SUBJECT = "subject", _("From you")
    CUSTOMER = "customer", _("From the customer you work for")
    SERVICE = "service", _("From your use of the service")


class ProcessingRecord(models.Model):
    """The record of processing activities (GDPR Art. 30), kept by staff in the admin. The
    data-processing page and the Art. 15 cover letter are built from it. Free text is kept in
    both languages; the enumerated parts are translated by the portal."""

    title_da = models.CharField(_("title (Danish)"), max_length=200)
    title_nb = models.CharField(_("title (Norwegian)"), max_length=200)
    purpose_da = models.TextField(_("purpose (Danish)"))
    purpose_nb = models.TextField(_("purpose (Norwegian)"))
    legal_basis = models.CharField(_("legal basis"), max_length=24, choices=LegalBasis.choices)
    categories = ArrayField(models.CharField(max_length=16, choices=DataCategory.choices), verbose_name=_("categories"))
    subjects = ArrayField(
        models.CharField(max_length=16, choices=DataSubjectGroup.choices), verbose_name=_("data subjects")
    )
    sources = ArrayField(models.CharField(max_length=16, choices=DataSource.choices), verbose_name=_("sources"))
    # Art. 15(1)(c) and 15(2): the recipients are entries of the public sub-processor registry,
    # named by their stable key, so the register, the Art. 15 letter and the registry agree.
    registry_keys = ArrayField(
        models.SlugField(max_length=80),
        verbose_name=_("recipients in the sub-processor registry"),
        blank=True,
        default=list,
        help_text=_("Keys of the registry entries that receive this data, comma-separated."),
    )
    recipients = models.TextField(
        _("other recipients"),
        blank=True,
        help_text=_("Recipients that are not in the sub-processor registry (e.g. authorities), one per line."),
    )
    # Which personal-data sources this activity covers: a source key ("billing.documents") or an
    # app ("billing", every source of that app). The Art. 15 letter lists the activities that
    # cover the data found for the person.
    source_keys = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("personal-data sources"),
        blank=True,
        default=list,
        help_text=_("Source keys or app names, comma-separated, e.g. billing, privacy.consent."),
    )
    retention_years = models.PositiveSmallIntegerField(_("retention in years"), default=5)
    retention_da = models.CharField(_("retention (Danish)"), max_length=300)
    retention_nb = models.CharField(_("retention (Norwegian)"), max_length=300)
    profiling = models.BooleanField(_("profiling or automated decisions"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("processing record")
        verbose_name_plural = _("processing records (Art. 30)")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title_da

    def text(self, field: str, language: str) -> str:
        return getattr(self, f"{field}_{'nb' if language == 'nb' else 'da'}")

    def clean(self) -> None:
        unknown = registry_keys_unknown(self.registry_keys)
        if unknown:
            raise ValidationError({"registry_keys": unknown_keys_message(unknown)})

    def covers(self, source_key: str) -> bool:
        return any(source_key == key or source_key.startswith(f"{key}.") for key in self.source_keys)

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


def registry_keys_unknown(keys: list[str]) -> list[str]:
    """Keys a processing record names that are not entries of the sub-processor registry."""
    known = set(SubProcessor.objects.filter(key__in=keys).values_list("key", flat=True))
    return sorted(set(keys) - known)


def unknown_keys_message(keys: list[str]) -> str:
    return _("Not in the sub-processor registry: %(keys)s") % {"keys": ", ".join(keys)}
