"""The ECB's euro foreign exchange reference rates (BIL-16), imported once a day.

The ECB publishes its reference rates around 16:00 CET on working days as a small XML file
(`eurofxref-daily.xml`: one `Cube time="…"` with a `Cube currency="…" rate="…"` per currency,
1 EUR = rate units). The import reads it from `settings.KONTO_ECB_URL`, keeps the currencies the
portal invoices in, and never overwrites a rate already stored for that day (idempotent; a rate
staff entered by hand stays as entered). A network failure or a malformed file is logged and
changes nothing: the documents waiting for a rate keep waiting and the next run tries again.
"""

import logging
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction

from billing.models import Currency, ExchangeRate, RateSource

log = logging.getLogger(__name__)

ECB_DAILY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
_CUBE = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}Cube"


class EcbUnavailable(Exception):
    """The file could not be fetched or read."""


@dataclass
class EcbImport:
    day: date | None = None
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def ecb_parse(data: bytes) -> tuple[date, dict[str, Decimal]]:
    """The day and the rates of an ECB daily file. Raises EcbUnavailable when it is not one."""
    try:
        # The file comes from a fixed ECB address; the standard parser resolves no external entities.
        root = ET.fromstring(data)  # noqa: S314
        day_cube = next(cube for cube in root.iter(_CUBE) if cube.get("time"))
        day = date.fromisoformat(day_cube.get("time", ""))
        rates = {
            cube.get("currency", ""): Decimal(cube.get("rate", ""))
            for cube in day_cube.iter(_CUBE)
            if cube.get("currency")
        }
    except (ET.ParseError, StopIteration, ValueError, InvalidOperation) as exc:
        raise EcbUnavailable(f"not an ECB daily file: {exc}") from exc
    if not rates or any(rate <= 0 for rate in rates.values()):
        raise EcbUnavailable("the ECB file has no usable rates")
    return day, rates


def ecb_fetch(url: str | None = None) -> bytes:
    url = url or getattr(settings, "KONTO_ECB_URL", ECB_DAILY_URL)
    try:
        with urllib.request.urlopen(url, timeout=getattr(settings, "KONTO_ECB_TIMEOUT", 10.0)) as response:  # noqa: S310
            return response.read()
    except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors; ValueError: a bad URL
        raise EcbUnavailable(f"{url}: {exc}") from exc


@transaction.atomic
def ecb_rates_store(*, day: date, rates: dict[str, Decimal]) -> EcbImport:
    """Store the day's rates for the currencies the portal invoices in; an existing rate of
    that day (imported before, or entered by staff) is kept as it is."""
    result = EcbImport(day=day)
    for currency in Currency.values:
        if currency == Currency.EUR or currency not in rates:
            continue
        _rate, created = ExchangeRate.objects.get_or_create(
            currency=currency,
            day=day,
            defaults={"per_eur": rates[currency], "source": RateSource.ECB, "entered_by": "ECB"},
        )
        (result.created if created else result.kept).append(currency)
    return result


def ecb_rates_import(*, url: str | None = None) -> EcbImport | None:
    """Fetch, read and store the ECB's daily rates; None (logged) when the ECB cannot be read."""
    try:
        day, rates = ecb_parse(ecb_fetch(url))
    except EcbUnavailable as exc:
        log.warning("ECB reference rates not imported: %s", exc)
        return None
    return ecb_rates_store(day=day, rates=rates)
