"""The one clock. Every time rule asks `now()` here.

Tests move it with time-machine (which moves `timezone.now()` underneath); `run_jobs --at`
moves it for one run with `frozen_at()`, so a job rehearses a date without touching the
system clock.

BIL-17: the calendar day of an instant, for a rule or a document (a service period, an issue or
due date, a tax point, the BIL-8 window), is the day in the seller's time zone
(`settings.SELLER_TIME_ZONE`): `seller_date()`. Never `.date()` of an aware datetime (that is the
UTC day) nor `timezone.localdate()` (that is the display zone, which a request may change).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("kontoportal_clock", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


def today() -> date:
    """Today for every rule: the seller's calendar day (BIL-17), not the display zone's."""
    return seller_date(now())


def seller_zone() -> ZoneInfo:
    return ZoneInfo(settings.SELLER_TIME_ZONE)  # ZoneInfo caches its instances by key


def seller_date(moment: datetime) -> date:
    """BIL-17: the seller's calendar day of an instant."""
    if timezone.is_naive(moment):
        raise ValueError("seller_date needs an aware datetime")
    return moment.astimezone(seller_zone()).date()


def seller_today() -> date:
    """`today()`, named for code where the seller's calendar is the point."""
    return today()


def seller_midnight(day: date) -> datetime:
    """The instant (aware, UTC) the seller's calendar day `day` begins."""
    return datetime.combine(day, time(0), tzinfo=seller_zone()).astimezone(UTC)


@contextmanager
def frozen_at(moment: datetime) -> Iterator[datetime]:
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)
