"""The seller's books (public schema: kept 10 years, they outlive the account's schema).

Invoices and credit notes share one table (`Document`, with `Invoice` and `CreditNote` as
proxies) so that numbering, immutability, snapshots and PDFs exist once. Issued documents are
immutable in the database too: see the trigger in migration 0001 (BIL-11).
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from billing.identifiers import identifiers_clean
from billing.line_texts import line_text
from billing.waiting import WaitingFor

CENT = Decimal("0.01")


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    DKK = "DKK", "DKK"
    NOK = "NOK", "NOK"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"


class SellerProfile(models.Model):
    """The seller's legal details, versioned: a change is a new row, never an edit, so every
    issued document can point at the version it was issued under (its snapshot is on the
    document anyway)."""

    valid_from = models.DateTimeField(_("valid from"), db_index=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="SK")
    vat_number = models.CharField(_("VAT number"), max_length=20)
    company_id = models.CharField(_("company ID"), max_length=30)
    # BIL-14: the Slovak tax number (DIČ) and the Peppol participant id (scheme + id) e-invoices carry.
    tax_number = models.CharField(_("tax number (DIČ)"), max_length=20, blank=True)
    peppol_scheme = models.CharField(_("Peppol ID scheme"), max_length=4, blank=True)
    peppol_id = models.CharField(_("Peppol ID"), max_length=100, blank=True)
    register = models.CharField(_("company register"), max_length=255)
    bank_name = models.CharField(_("bank"), max_length=100)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    email = models.EmailField(_("e-mail"))
    footer = models.TextField(_("invoice footer"), blank=True)
    created_by = models.CharField(_("created by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("seller profile")
        verbose_name_plural = _("seller profiles")
        ordering = ["-valid_from", "-id"]

    def __str__(self) -> str:
        return f"{self.legal_name} ({self.valid_from:%Y-%m-%d})"

    def clean(self) -> None:
        """BIL-14: the seller's IČO, DIČ and Peppol id are checked like a buyer's (e-invoices carry them)."""
        cleaned = identifiers_clean(data=self.__dict__, country=self.country)
        self.tax_number, self.peppol_scheme, self.peppol_id = (
            cleaned["tax_number"],
            cleaned["peppol_scheme"],
            cleaned["peppol_id"],
        )


class VatRate(models.Model):
    """A standard VAT rate of an EU member state from a date on (BIL-9: rates are data)."""

    country = models.CharField(_("country"), max_length=2)
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        verbose_name = _("VAT rate")
        verbose_name_plural = _("VAT rates")
        ordering = ["country", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["country", "valid_from"], name="one_vat_rate_per_day")]

    def __str__(self) -> str:
        return f"{self.country} {self.rate} % ({self.valid_from})"


class RateSource(models.TextChoices):
    ECB = "ecb", _("ECB import")
    STAFF = "staff", _("Entered by staff")


class ExchangeRate(models.Model):
    """The ECB reference rate of a day (1 EUR = `per_eur` units), imported daily or entered by
    staff (BIL-16). Art. 230 of the VAT Directive: on an invoice in another currency the VAT
    payable is also stated in euro."""

    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    day = models.DateField(_("day"))
    per_eur = models.DecimalField(_("units per euro"), max_digits=12, decimal_places=6)
    source = models.CharField(_("source"), max_length=8, choices=RateSource.choices, default=RateSource.STAFF)
    entered_by = models.CharField(_("entered by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-day"]
        constraints = [models.UniqueConstraint(fields=["currency", "day"], name="one_exchange_rate_per_day")]

    def __str__(self) -> str:
        return f"1 EUR = {self.per_eur} {self.currency} ({self.day})"


class ViesStatus(models.TextChoices):
    NONE = "none", _("No VAT number")
    UNVERIFIED = "unverified", _("Unverified (VIES unavailable)")
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")
    NOT_EU = "not_eu", _("Checked by its own format (not an EU number)")


class BillingProfile(models.Model):
    """The buyer's details for an account's invoices (BIL-8, BIL-9)."""

    account = models.OneToOneField(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="billing_profile"
    )
    name = models.CharField(_("contact name"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=20)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2)
    email = models.EmailField(_("invoice e-mail"))
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    # BIL-14: what e-invoices need (billing.identifiers validates them): the company registration
    # number (Slovak IČO, Danish CVR, Norwegian org.nr), the Slovak tax number (DIČ) and the
    # Peppol participant id (scheme + id; defaulted from the registration number when empty).
    company_id = models.CharField(_("company registration number"), max_length=30, blank=True)
    tax_number = models.CharField(_("tax number (DIČ)"), max_length=20, blank=True)
    peppol_scheme = models.CharField(_("Peppol ID scheme"), max_length=4, blank=True)
    peppol_id = models.CharField(_("Peppol ID"), max_length=100, blank=True)
    vat_status = models.CharField(_("VAT number status"), max_length=12, choices=ViesStatus.choices, default="none")
    vies_consultation = models.CharField(_("VIES consultation number"), max_length=64, blank=True)
    vies_checked_at = models.DateTimeField(_("VIES checked"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("billing profile")
        verbose_name_plural = _("billing profiles")

    def __str__(self) -> str:
        return self.company or self.name


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void (credited)")


class TaxTreatment(models.TextChoices):
    DOMESTIC = "domestic", _("Slovak VAT")
    REVERSE_CHARGE = "reverse_charge", _("Reverse charge")
    EU_CONSUMER = "eu_consumer", _("VAT of the buyer's country")
    OUTSIDE_EU = "outside_eu", _("Outside the EU: no EU VAT")
    EU_BUSINESS_UNVERIFIED = "eu_business_unverified", _("VAT of the buyer's country (VAT number not yet confirmed)")
    OUTSIDE_EU_BUSINESS = "outside_eu_business", _("Business outside the EU: no EU VAT")
    NO_VOEC = "no_voec", _("Norwegian VAT (VOEC)")
    UK_VAT = "uk_vat", _("UK VAT")


class DocumentCounter(models.Model):
    """One gapless series per document kind. The row is locked by the issuing transaction, so a
    rolled-back issue gives its number back."""

    kind = models.CharField(max_length=16, primary_key=True, choices=DocumentKind.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self) -> str:
        return f"{self.kind}: {self.last_number}"


class Document(models.Model):
    """An invoice or a credit note. Draft → issued (→ paid, or void once fully credited)."""

    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT, db_index=True
    )
    account = models.ForeignKey(Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="documents")
    # Taken at issue, in the issuing transaction (BIL-11).
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True, db_index=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True, db_index=True)
    # Art. 226(7): the date the supply was made (a subscription period).
    period_start = models.DateField(_("supply from"), null=True, blank=True)
    period_end = models.DateField(_("supply to"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    language = models.CharField(_("language"), max_length=8)
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name=_("credited invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    reason = models.TextField(_("reason"), blank=True)
    # Snapshots taken at issue: the document never changes when a profile does.
    seller = models.JSONField(_("seller"), default=dict, blank=True)
    buyer = models.JSONField(_("buyer"), default=dict, blank=True)
    tax_treatment = models.CharField(_("tax treatment"), max_length=24, choices=TaxTreatment.choices, blank=True)
    # BIL-16: the day VAT became chargeable (the seller's day of the payment or issue); a document
    # waiting for its exchange rate keeps it as a draft and is issued with it.
    tax_point = models.DateField(_("tax point"), null=True, blank=True)
    # A held draft says what it waits for (billing/waiting.py); empty once issued.
    waiting_for = models.CharField(_("waiting for"), max_length=12, choices=WaitingFor.choices, blank=True)
    tax_country = models.CharField(_("tax country"), max_length=2, blank=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    tax_note = models.TextField(_("tax note"), blank=True)
    net_total = models.DecimalField(_("net"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    vat_total = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    gross_total = models.DecimalField(_("total"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    # Art. 230: a document in another currency states its VAT in euro too (ECB rate of the day
    # before issue, the latest known).
    eur_rate = models.DecimalField(_("units per euro"), max_digits=12, decimal_places=6, null=True, blank=True)
    eur_rate_day = models.DateField(_("exchange rate of"), null=True, blank=True)
    vat_total_eur = models.DecimalField(_("VAT in EUR"), max_digits=12, decimal_places=2, null=True, blank=True)
    # The PDF is rendered once after issue and never again; its hash proves it unchanged.
    pdf_file = models.CharField(_("PDF file"), max_length=255, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    # BIL-17: how and when an invoice was paid, written with its move to "paid" and frozen after
    # (migration 0005's trigger). Codes, worded when read: {"method": "card", "brand": "Visa",
    # "last4": "4242"}, {"method": "paypal"} or {"method": "bank_transfer"}.
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    payment = models.JSONField(_("payment"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "sequence"], name="one_number_per_series"),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | (models.Q(sequence__isnull=False) & models.Q(issued_at__isnull=False)),
                name="issued_documents_have_a_number",
            ),
        ]
        indexes = [models.Index(fields=["account", "kind", "issued_at"])]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_issued(self) -> bool:
        return self.status != DocumentStatus.DRAFT


class InvoiceManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind=DocumentKind.INVOICE)


class CreditNoteManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(kind=DocumentKind.CREDIT_NOTE)


class Invoice(Document):
    """Draft → issued → paid; issued or paid → void once fully credited (BIL-11)."""

    objects = InvoiceManager()
    # core.transitions: the only moves an invoice makes; anything else raises IllegalTransition.
    TRANSITIONS = {
        DocumentStatus.DRAFT: {DocumentStatus.ISSUED},
        DocumentStatus.ISSUED: {DocumentStatus.PAID, DocumentStatus.VOID},
        DocumentStatus.PAID: {DocumentStatus.VOID},
        DocumentStatus.VOID: set(),
    }

    class Meta:
        proxy = True
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")


class CreditNote(Document):
    """Draft → issued, and nothing after: a credit note is neither paid nor credited itself."""

    objects = CreditNoteManager()
    TRANSITIONS = {
        DocumentStatus.DRAFT: {DocumentStatus.ISSUED},
        DocumentStatus.ISSUED: set(),
        DocumentStatus.PAID: set(),
        DocumentStatus.VOID: set(),
    }

    class Meta:
        proxy = True
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")


class DocumentLine(models.Model):
    """One line: quantity × unit price, rounded half-up to the cent per line (see README)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    # As printed when the document was issued, in the document's language.
    description = models.CharField(_("description"), max_length=300)
    # A line the seller words itself (billing.line_texts) keeps its code and parameters, so it is
    # rendered in the reader's language whenever it is read; empty for lines worded by the caller.
    code = models.CharField(_("text code"), max_length=40, blank=True, default="")
    params = models.JSONField(_("text parameters"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=3, validators=[MinValueValidator(0)])
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=4)
    net_amount = models.DecimalField(_("net"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        ordering = ["document", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "position"], name="one_line_per_position")]

    def __str__(self) -> str:
        return self.description

    @property
    def text(self) -> str:
        """The line's wording in the active language (a document renders in its own)."""
        return line_text(self.code, self.params) if self.code else self.description

    @property
    def gross_amount(self) -> Decimal:
        return self.net_amount + self.vat_amount

    @property
    def currency(self) -> str:
        return self.document.currency


class CustomDelivery(models.Model):
    """BIL-13: a delivery agreed by e-mail, billed as a one-off line on the account's next invoice."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="custom_deliveries"
    )
    description = models.CharField(_("description"), max_length=300)
    price = models.DecimalField(_("agreed price (excl. VAT)"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    agreed_on = models.DateField(_("agreement date"))
    recorded_by = models.CharField(_("recorded by"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    invoice = models.ForeignKey(
        Document,
        verbose_name=_("billed on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="custom_deliveries",
    )

    class Meta:
        verbose_name = _("custom delivery")
        verbose_name_plural = _("custom deliveries")
        ordering = ["-agreed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.description} ({self.price} {self.currency})"


# Declared in their own module (this one is long); imported here so Django registers them.
from billing.models_mail import DocumentMail, DocumentMailKind  # noqa: E402, F401
from billing.tax_registration import TaxRegime, TaxRegistration, TaxThresholdCheck  # noqa: E402, F401
