"""The seller's registrations outside the EU (BIL-15) and the daily threshold checks.

A registration switches a regime on from its first day: Norwegian consumers are charged
Norwegian VAT once the seller is registered under VOEC, UK consumers UK VAT once it is
registered there. A registration is a dated row, never an edit, like the seller's profile.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.gb import vat as gb_vat


class TaxRegime(models.TextChoices):
    NO_VOEC = "no_voec", _("Norway: VOEC (VAT on e-commerce)")
    UK_VAT = "uk_vat", _("United Kingdom: VAT registration")


def registration_number_clean(*, regime: str, number: str) -> str:
    """A VOEC number is seven digits (printed "VOEC 2012345"); a UK number is a GB VAT number
    checked by its own rules. Raises ValidationError with a message for staff."""
    compact = re.sub(r"[\s.\-]", "", number or "").upper()
    if not compact:
        raise ValidationError(
            _("A registration needs its registration number: it is printed on every invoice it applies to."),
            code="registration_number_missing",
        )
    if regime == TaxRegime.NO_VOEC:
        digits = compact.removeprefix("VOEC")
        if not re.fullmatch(r"\d{7}", digits):
            raise ValidationError(_("A VOEC number has seven digits, e.g. VOEC 2012345."), code="voec_invalid")
        return f"VOEC {digits}"
    if not gb_vat.is_valid(compact):
        raise ValidationError(_("This is not a valid UK VAT registration number."), code="gb_vat_invalid")
    return "GB" + gb_vat.compact(compact)


class TaxRegistration(models.Model):
    """The seller is registered under `regime` from `valid_from` on, with `number`."""

    regime = models.CharField(_("regime"), max_length=8, choices=TaxRegime.choices)
    number = models.CharField(_("registration number"), max_length=20, blank=True)
    valid_from = models.DateField(_("valid from"))
    created_by = models.CharField(_("created by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("tax registration")
        verbose_name_plural = _("tax registrations")
        ordering = ["regime", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["regime", "valid_from"], name="one_registration_per_day")]

    def __str__(self) -> str:
        return f"{self.get_regime_display()}: {self.number} ({self.valid_from})"

    def clean(self) -> None:
        try:
            self.number = registration_number_clean(regime=self.regime, number=self.number)
        except ValidationError as exc:
            raise ValidationError({"number": exc.messages}) from exc


class TaxThresholdCheck(models.Model):
    """What the daily job found for a regime: the sales to its consumers over the last 12
    months (in the regime's currency) and whether staff must act (register)."""

    regime = models.CharField(_("regime"), max_length=8, choices=TaxRegime.choices)
    day = models.DateField(_("day"))
    sales = models.DecimalField(_("sales in the last 12 months"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    threshold = models.DecimalField(_("threshold"), max_digits=14, decimal_places=2)
    registered = models.BooleanField(_("registered"), default=False)
    alert = models.BooleanField(_("registration needed"), default=False)

    class Meta:
        verbose_name = _("tax threshold check")
        verbose_name_plural = _("tax threshold checks")
        ordering = ["-day", "regime"]
        constraints = [models.UniqueConstraint(fields=["regime", "day"], name="one_threshold_check_per_day")]

    def __str__(self) -> str:
        return f"{self.get_regime_display()} {self.day}: {self.sales} {self.currency}"
