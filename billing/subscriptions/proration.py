"""Periods and proration (BIL-1, BIL-2, BIL-3) as pure functions: no database, no clock.

The same `quote_change()` produces the preview Min konto shows and the amount the change
charges, from the same timestamp, so the two can never differ.

Rounding. A period price `P` has, at moment `t`, an unused remainder
`R(P, t) = round_half_up(P × seconds_left / seconds_in_period)`. An upgrade from period price
`P_old` to `P_new` at `t` charges `R(P_new, t) − R(P_old, t)`. Because `R` is monotonic in `P`,
an upgrade never charges a negative amount, and because the charges telescope, consecutive
changes at the same moment cost exactly what one change would, and what the customer pays for
a period is always "used part of the old price + remaining part of the new price" to the cent.

Calendar (BIL-17). Months are counted on the seller's wall clock (`config.clock.seller_zone()`),
then turned back into aware UTC instants: a plan started at 00:30 on 1 March in Bratislava renews
at 00:30 on 1 April there, whatever daylight saving did in between. A period [start, end) covers
the seller's days `first_day` … `last_day` (the day before `end`'s day); the next period's first
day is `end`'s day, so consecutive periods never share a day and never skip one.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from config.clock import seller_date, seller_zone

CENT = Decimal("0.01")
MONTHLY = "monthly"
ANNUAL = "annual"
MONTHS_IN_CYCLE = {MONTHLY: 1, ANNUAL: 12}

# What a change does.
UPGRADE_NOW = "upgrade_now"  # annual cycle: prorated, charged now, applied when paid
UPGRADE_NOW_UNCHARGED = "upgrade_now_uncharged"  # monthly cycle: applied now, new rate next period
AT_NEXT_PERIOD = "at_next_period"  # downgrades, seat removals, cycle switches: no credit (BIL-3)
NO_CHANGE = "no_change"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(anchor: datetime, months: int) -> datetime:
    """`anchor` moved by whole months, clipped to the month's last day (31 Jan + 1 → 28/29 Feb),
    always counted from the anchor so that 31 Jan → 29 Feb → 31 Mar does not drift to the 29th.
    An aware anchor is moved on the seller's wall clock and returned in UTC (BIL-17)."""
    local = anchor if anchor.tzinfo is None else anchor.astimezone(seller_zone())
    month_index = local.month - 1 + months
    year = local.year + month_index // 12
    month = month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    moved = local.replace(year=year, month=month, day=day)
    return moved if anchor.tzinfo is None else moved.astimezone(UTC)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    @property
    def seconds(self) -> int:
        return int((self.end - self.start).total_seconds())

    @property
    def first_day(self) -> date:
        """The seller's calendar day the period starts on (BIL-17)."""
        return seller_date(self.start)

    @property
    def last_day(self) -> date:
        """The seller's last calendar day of the period: the day before the next period's first.
        A part of a period that begins on the day the period ends (a change in its last hours)
        is that one day, never a range that ends before it starts."""
        return max(seller_date(self.end) - timedelta(days=1), self.first_day)


def period_containing(anchor: datetime, cycle: str, at: datetime) -> Period:
    """The billing period (counted from `anchor`) that contains `at`."""
    step = MONTHS_IN_CYCLE[cycle]
    if at < anchor:
        return Period(anchor, add_months(anchor, step))
    # a first guess from the calendar, then walk (at most a step or two) to the exact period
    n = ((at.year - anchor.year) * 12 + at.month - anchor.month) // step
    n = max(n, 0)
    while add_months(anchor, n * step) > at:
        n -= 1
    while add_months(anchor, (n + 1) * step) <= at:
        n += 1
    return Period(add_months(anchor, n * step), add_months(anchor, (n + 1) * step))


def period_from(anchor: datetime, cycle: str, start: datetime) -> Period:
    """The period that begins at `start` (where the last one ended) and ends on the anchor's next
    boundary. A boundary less than a day away is not a period's end: a period end stored while
    months were counted in UTC lies up to an hour off the seller's wall clock across a DST change,
    and the renewal then runs to the boundary after it, never for an hour (BIL-17)."""
    end = period_containing(anchor, cycle, start).end
    if end - start < timedelta(days=1):
        end = period_containing(anchor, cycle, end).end
    return Period(start, end)


def period_price(*, unit_price: Decimal, seats: int) -> Decimal:
    """The full price of one period: per-agent price of the cycle × seats."""
    return money(unit_price * seats)


def remainder(price: Decimal, period: Period, at: datetime) -> Decimal:
    """The unused part of a period price at `at`, to the second, rounded half-up to the cent."""
    if at <= period.start:
        return price
    if at >= period.end:
        return Decimal("0.00")
    seconds_left = int((period.end - at).total_seconds())
    return money(price * seconds_left / period.seconds)


@dataclass(frozen=True)
class Terms:
    """What a subscription is (or would be): plan, seats, cycle and the per-agent price of that
    cycle."""

    plan: str
    seats: int
    cycle: str
    unit_price: Decimal
    rank: int = 0  # plan order: a higher rank is an upgrade

    @property
    def price(self) -> Decimal:
        return period_price(unit_price=self.unit_price, seats=self.seats)


@dataclass(frozen=True)
class Quote:
    """The exact consequence of a change at one moment: shown as the preview, then charged."""

    at: datetime
    period: Period
    current: Terms
    target: Terms
    effect: str
    amount: Decimal  # charged now (0 unless UPGRADE_NOW)
    currency: str
    used_part: Decimal  # the part of the current price consumed up to `at`
    new_remainder: Decimal  # the part of the target price for the rest of the period
    next_period_price: Decimal  # what the next period will bill

    @property
    def charges_now(self) -> bool:
        return self.effect == UPGRADE_NOW and self.amount > 0


def is_upgrade(current: Terms, target: Terms) -> bool:
    """More seats, or a higher plan, and nothing less: an upgrade. Anything that lowers the plan
    or the seats is treated as a downgrade (it takes effect at the next period, BIL-3)."""
    if target.rank < current.rank or target.seats < current.seats:
        return False
    return target.rank > current.rank or target.seats > current.seats


def quote_change(*, current: Terms, target: Terms, anchor: datetime, at: datetime, currency: str) -> Quote:
    """BIL-2 / BIL-3. `current.cycle` is the cycle being billed now; a cycle switch always takes
    effect at the next period (an annual year is never cut short, a month never refunded)."""
    period = period_containing(anchor, current.cycle, at)
    same_cycle = target.cycle == current.cycle
    if target == current:
        effect = NO_CHANGE
    elif same_cycle and is_upgrade(current, target):
        effect = UPGRADE_NOW if current.cycle == ANNUAL else UPGRADE_NOW_UNCHARGED
    else:
        effect = AT_NEXT_PERIOD
    used = current.price - remainder(current.price, period, at)
    if effect == UPGRADE_NOW:
        new_remainder = remainder(target.price, period, at)
        amount = new_remainder - remainder(current.price, period, at)
    else:
        new_remainder = remainder(current.price, period, at)
        amount = Decimal("0.00")
    return Quote(
        at=at,
        period=period,
        current=current,
        target=target,
        effect=effect,
        amount=amount,
        currency=currency,
        used_part=used,
        new_remainder=new_remainder,
        next_period_price=target.price if effect != NO_CHANGE else current.price,
    )
