"""BIL-15: when the seller must register for VAT outside the EU, and the alerts staff see.

- Norway (VOEC): a foreign seller of e-services must register once its sales to Norwegian
  consumers pass NOK 50,000 in 12 months. The daily job sums them (net, credit notes deducted)
  in NOK at the ECB rates and alerts staff when the threshold is reached without a registration.
- United Kingdom: a seller not established there must register from its first sale to a UK
  consumer; any such sale while unregistered raises the alert.
- Documents waiting for their exchange rate (BIL-16) or their buyer's identifiers (BIL-14) are
  alerts too.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing.models import Currency, Document, DocumentStatus, ExchangeRate, TaxTreatment
from billing.tax import registration_on
from billing.tax_registration import TaxRegime, TaxThresholdCheck
from billing.waiting import WaitingFor
from config.clock import seller_today

VOEC_THRESHOLD_NOK = Decimal("50000")
# What counts as sold: every issued document, a void invoice's credit note deducting it.
COUNTED = (DocumentStatus.ISSUED, DocumentStatus.PAID, DocumentStatus.VOID)
# Sales to a regime's consumers: before registration (no VAT) and after (its VAT).
CONSUMER_TREATMENTS = {
    TaxRegime.NO_VOEC: (TaxTreatment.OUTSIDE_EU, TaxTreatment.NO_VOEC),
    TaxRegime.UK_VAT: (TaxTreatment.OUTSIDE_EU, TaxTreatment.UK_VAT),
}
REGIME_COUNTRY = {TaxRegime.NO_VOEC: "NO", TaxRegime.UK_VAT: "GB"}
REGIME_CURRENCY = {TaxRegime.NO_VOEC: "NOK", TaxRegime.UK_VAT: "GBP"}
REGIME_THRESHOLD = {TaxRegime.NO_VOEC: VOEC_THRESHOLD_NOK, TaxRegime.UK_VAT: Decimal("0")}


class RateMissing(Exception):
    pass


def _per_eur(currency: str, day: date) -> Decimal:
    if currency == Currency.EUR:
        return Decimal("1")
    rate = ExchangeRate.objects.filter(currency=currency, day__lte=day).order_by("-day").first()
    if rate is None:
        raise RateMissing(currency)
    return rate.per_eur


def consumer_sales(*, regime: str, day: date) -> Decimal:
    """Net sales to the regime's consumers over the 12 months up to `day`, in the regime's
    currency at the latest ECB rates on `day`. Raises RateMissing without a needed rate."""
    since = day - timedelta(days=365)
    totals = (
        Document.objects.filter(
            status__in=COUNTED,
            tax_country=REGIME_COUNTRY[regime],
            tax_treatment__in=CONSUMER_TREATMENTS[regime],
        )
        # Documents issued before tax points were recorded count by their issue day.
        .filter(
            Q(tax_point__gt=since, tax_point__lte=day)
            | Q(tax_point__isnull=True, issued_at__date__gt=since, issued_at__date__lte=day)
        )
        .values("currency")
        .annotate(net=Sum("net_total"))
    )
    target = REGIME_CURRENCY[regime]
    total = Decimal("0")
    for row in totals:
        net = row["net"] or Decimal("0")
        total += net if row["currency"] == target else net / _per_eur(row["currency"], day) * _per_eur(target, day)
    return total.quantize(Decimal("0.01"))


def threshold_check(*, regime: str, day: date) -> TaxThresholdCheck:
    """Compute and store the day's check for a regime (idempotent: one row per regime and day)."""
    sales = consumer_sales(regime=regime, day=day)
    registered = registration_on(regime=regime, day=day) is not None
    threshold = REGIME_THRESHOLD[regime]
    alert = not registered and (sales >= threshold if threshold else sales > 0)
    check, _created = TaxThresholdCheck.objects.update_or_create(
        regime=regime,
        day=day,
        defaults={
            "sales": sales,
            "currency": REGIME_CURRENCY[regime],
            "threshold": threshold,
            "registered": registered,
            "alert": alert,
        },
    )
    return check


@dataclass(frozen=True)
class TaxAlert:
    text: str
    url: str


def _money(amount: Decimal, currency: str) -> str:
    return f"{number_format(amount, 2, use_l10n=True, force_grouping=True)} {currency}"


def tax_alerts(*, day: date | None = None) -> list[TaxAlert]:
    """What staff must act on, worded in the active language: a registration that is due, and
    documents waiting for their exchange rate or their buyer's identifiers."""
    day = day or seller_today()
    alerts = []
    registrations = reverse("admin:billing_taxregistration_add")
    for regime in TaxRegime.values:
        check = TaxThresholdCheck.objects.filter(regime=regime).order_by("-day").first()
        if check is None or not check.alert or registration_on(regime=regime, day=day) is not None:
            continue
        if regime == TaxRegime.NO_VOEC:
            text = _(
                "Sales to consumers in Norway reached %(sales)s in the last 12 months (threshold %(threshold)s): "
                "register under VOEC and record the VOEC number."
            ) % {"sales": _money(check.sales, check.currency), "threshold": _money(check.threshold, check.currency)}
        else:
            text = _(
                "Sales to consumers in the United Kingdom (%(sales)s in the last 12 months) while the seller is "
                "not registered for UK VAT: register and record the UK VAT number."
            ) % {"sales": _money(check.sales, check.currency)}
        alerts.append(TaxAlert(text, registrations))
    held = Document.objects.filter(status=DocumentStatus.DRAFT)
    waiting = held.filter(waiting_for=WaitingFor.RATE).count()
    if waiting:
        text = ngettext(
            "%(count)d document waits for the ECB exchange rate of its tax point: enter the rate to issue it.",
            "%(count)d documents wait for the ECB exchange rate of their tax point: enter the rate to issue them.",
            waiting,
        ) % {"count": waiting}
        alerts.append(TaxAlert(text, reverse("admin:billing_invoice_changelist") + "?waiting=rate"))
    waiting = held.filter(waiting_for=WaitingFor.IDENTIFIERS).count()
    if waiting:  # BIL-14: paid invoices of Slovak companies without IČO/DIČ; their Owners were asked
        text = ngettext(
            "%(count)d paid invoice waits for the Slovak buyer's IČO and DIČ: its Owner has been asked for them "
            "in Min konto and by e-mail; it is issued as soon as they are saved.",
            "%(count)d paid invoices wait for the Slovak buyers' IČO and DIČ: their Owners have been asked for them "
            "in Min konto and by e-mail; each is issued as soon as they are saved.",
            waiting,
        ) % {"count": waiting}
        alerts.append(TaxAlert(text, reverse("admin:billing_invoice_changelist") + "?waiting=identifiers"))
    return alerts
