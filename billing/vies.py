"""VIES (the EU's VAT number check) behind an adapter with a timeout.

The service never lets VIES decide whether a profile can be saved: the offline check (format and
check digit, python-stdnum) does. VIES only upgrades a number to "valid" (reverse charge) or marks
it "invalid"; when it cannot be reached the number stays "unverified", VAT is charged, and the
`billing_vies_retry` job asks again.
"""

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string

from config.clock import now

log = logging.getLogger(__name__)

VALID, INVALID, UNAVAILABLE = "valid", "invalid", "unavailable"


@dataclass(frozen=True)
class ViesAnswer:
    status: str  # valid / invalid / unavailable
    checked_at: datetime
    consultation_number: str = ""


class ViesAdapter:
    def check(self, *, country: str, number: str) -> ViesAnswer:
        raise NotImplementedError


class HttpViesAdapter(ViesAdapter):
    """The European Commission's VIES REST service. Any failure or a slow answer is
    "unavailable", never an error for the customer."""

    url = "https://ec.europa.eu/taxation_customs/vies/rest-api/check-vat-number"

    def __init__(self, timeout: float | None = None, url: str | None = None) -> None:
        self.timeout = timeout if timeout is not None else getattr(settings, "BILLING_VIES_TIMEOUT", 5.0)
        self.url = url or getattr(settings, "BILLING_VIES_URL", self.url)

    def check(self, *, country: str, number: str) -> ViesAnswer:
        requester = getattr(settings, "BILLING_VIES_REQUESTER", "")
        payload = {"countryCode": country, "vatNumber": number}
        if requester:
            payload.update({"requesterMemberStateCode": requester[:2], "requesterNumber": requester[2:]})
        request = urllib.request.Request(
            self.url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - fixed https URL
                body = json.loads(response.read().decode())
        except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors
            log.info("VIES unavailable for %s%s: %s", country, number, exc)
            return ViesAnswer(UNAVAILABLE, now())
        if "valid" not in body:
            return ViesAnswer(UNAVAILABLE, now())
        return ViesAnswer(VALID if body["valid"] else INVALID, now(), str(body.get("requestIdentifier") or ""))


class OfflineViesAdapter(ViesAdapter):
    """A VIES that answers without a network, for tests and demos: every number it was told
    about is valid, every other one invalid; `down=True` makes it unavailable."""

    def __init__(self, valid: set[str] | None = None, down: bool = False) -> None:
        self.valid = valid or set()
        self.down = down
        self.calls: list[str] = []

    def check(self, *, country: str, number: str) -> ViesAnswer:
        self.calls.append(f"{country}{number}")
        if self.down:
            return ViesAnswer(UNAVAILABLE, now())
        if f"{country}{number}" in self.valid:
            return ViesAnswer(VALID, now(), f"WAPI{len(self.calls):010d}")
        return ViesAnswer(INVALID, now(), f"WAPI{len(self.calls):010d}")


def vies_adapter() -> ViesAdapter:
    """The configured adapter (`BILLING_VIES_ADAPTER`, a dotted path), the real service by default."""
    return import_string(getattr(settings, "BILLING_VIES_ADAPTER", "billing.vies.HttpViesAdapter"))()
