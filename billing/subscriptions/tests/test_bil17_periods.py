"""BIL-17: service periods are calendar days in the seller's time zone (Europe/Bratislava).

Property-tested from start instants 2020–2040 on the days and hours that make calendars hard: the
first hour after local midnight (still the previous day in UTC), the last days of months, 29
February, and the days daylight saving time begins and ends. Over 30 consecutive periods every
printed period starts on the anchor's day of the month (or the month's last day when the month is
shorter), ends the day before the next one starts, and is as long as the calendar says.
"""

import calendar
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from billing.subscriptions import proration as p
from config.clock import seller_date, seller_midnight

SELLER = ZoneInfo("Europe/Bratislava")
PERIODS = 30
YEARS = st.integers(min_value=2020, max_value=2040)
MONTHS = st.integers(min_value=1, max_value=12)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - 6) % 7)


DAYS = st.one_of(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    st.builds(lambda y, m: date(y, m, calendar.monthrange(y, m)[1]), YEARS, MONTHS),  # month ends
    st.builds(lambda y, m: date(y, m, calendar.monthrange(y, m)[1] - 1), YEARS, MONTHS),  # the 30th/27th…
    st.sampled_from([date(y, 2, 29) for y in range(2020, 2041) if calendar.isleap(y)]),
    st.builds(_last_sunday, YEARS, st.sampled_from([3, 10])),  # DST begins / ends in the EU
)
TIMES = st.one_of(
    st.times(max_value=time(0, 59, 59)),  # 00:00–01:00 local: the previous day in UTC
    st.times(min_value=time(1, 59), max_value=time(3, 1)),  # around the DST switch itself
    st.times(min_value=time(23, 0)),
    st.times(),
)
CYCLES = st.sampled_from([p.MONTHLY, p.ANNUAL])


def _local_start(day: date, moment: time) -> datetime:
    """The instant a wall-clock time in Bratislava names (the earlier one when it is ambiguous, the
    shifted one when it does not exist), as stored: aware UTC."""
    return datetime.combine(day, moment, tzinfo=SELLER).astimezone(UTC)


def _expected_first_day(anchor_day: date, months: int) -> date:
    index = anchor_day.month - 1 + months
    year, month = anchor_day.year + index // 12, index % 12 + 1
    return date(year, month, min(anchor_day.day, calendar.monthrange(year, month)[1]))


def _periods(anchor: datetime, cycle: str) -> list[p.Period]:
    """Consecutive periods the way the billing run walks them: each starts where the last ended
    and ends on the anchor's next boundary (renewals.renewal_charges)."""
    periods = [p.Period(anchor, p.add_months(anchor, p.MONTHS_IN_CYCLE[cycle]))]
    while len(periods) < PERIODS:
        periods.append(p.period_from(anchor, cycle, periods[-1].end))
    return periods


@settings(max_examples=400, deadline=None)
@given(day=DAYS, moment=TIMES, cycle=CYCLES)
@example(day=date(2027, 3, 1), moment=time(0, 30), cycle=p.MONTHLY)
@example(day=date(2027, 3, 1), moment=time(14, 0), cycle=p.MONTHLY)
@example(day=date(2024, 1, 31), moment=time(0, 15), cycle=p.MONTHLY)
@example(day=date(2024, 2, 29), moment=time(0, 0), cycle=p.ANNUAL)
@example(day=date(2026, 3, 29), moment=time(2, 30), cycle=p.MONTHLY)  # does not exist locally
@example(day=date(2026, 10, 25), moment=time(2, 30), cycle=p.MONTHLY)  # happens twice locally
def test_bil17_printed_periods_follow_the_calendar_without_shared_or_skipped_days(
    day: date, moment: time, cycle: str
) -> None:
    anchor = _local_start(day, moment)
    anchor_day = seller_date(anchor)
    step = p.MONTHS_IN_CYCLE[cycle]
    periods = _periods(anchor, cycle)
    for k, (period, following) in enumerate(zip(periods, periods[1:], strict=False)):
        expected_first = _expected_first_day(anchor_day, k * step)
        expected_next = _expected_first_day(anchor_day, (k + 1) * step)
        # starts on the anchor's day of the month, or the month's last day when it is shorter
        assert period.first_day == expected_first, (k, period)
        # the printed end is the day before the next period's first day: no shared, no skipped day
        assert period.last_day == following.first_day - timedelta(days=1)
        assert following.first_day == period.last_day + timedelta(days=1)
        # as many days as the calendar has between the two anchor days
        length = (period.last_day - period.first_day).days + 1
        assert length == (expected_next - expected_first).days
        assert (28 <= length <= 31) if cycle == p.MONTHLY else (365 <= length <= 366)
        # the billing run finds the same period for any moment inside it
        assert p.period_containing(anchor, cycle, period.start) == period
        assert p.period_containing(anchor, cycle, period.end - timedelta(seconds=1)) == period


@settings(max_examples=200, deadline=None)
@given(day=DAYS, moment=st.times(max_value=time(0, 59, 59)), cycle=CYCLES)
def test_bil17_a_start_in_the_first_local_hour_keeps_its_local_day(day: date, moment: time, cycle: str) -> None:
    """00:00–01:00 in Bratislava is still the previous day in UTC: the period is the local day's."""
    anchor = _local_start(day, moment)
    assert anchor.date() != day  # the UTC day is the day before: exactly the trap
    periods = _periods(anchor, cycle)
    assert periods[0].first_day == day
    for k, period in enumerate(periods):
        # the period turns at the same local wall-clock time, whatever daylight saving did
        local = period.start.astimezone(SELLER)
        assert (local.hour, local.minute) == (moment.hour, moment.minute), (k, local)
        assert period.first_day == _expected_first_day(day, k * p.MONTHS_IN_CYCLE[cycle])


@settings(max_examples=200, deadline=None)
@given(day=DAYS, moment=TIMES, cycle=CYCLES, into=st.floats(min_value=0, max_value=0.999))
@example(day=date(2020, 1, 30), moment=time(23, 0), cycle=p.MONTHLY, into=0.96875)  # on the end's day
def test_bil17_a_change_inside_a_period_runs_from_its_day_to_the_period_last_day(
    day: date, moment: time, cycle: str, into: float
) -> None:
    anchor = _local_start(day, moment)
    period = p.period_containing(anchor, cycle, anchor + timedelta(days=400))
    at = period.start + timedelta(seconds=int(period.seconds * into))
    quote = p.quote_change(
        current=p.Terms("a", 1, cycle, Decimal("10.00"), 1),
        target=p.Terms("b", 2, cycle, Decimal("10.00"), 2),
        anchor=anchor,
        at=at,
        currency="EUR",
    )
    change = p.Period(at, quote.period.end)
    assert quote.period == period
    assert change.first_day == seller_date(at)
    if change.first_day <= period.last_day:
        assert change.last_day == period.last_day
    else:  # changed during the hours of the period that fall on the next period's first day
        assert change.first_day == change.last_day == period.last_day + timedelta(days=1)
    assert period.first_day <= change.first_day <= change.last_day


@settings(max_examples=200, deadline=None)
@given(day=DAYS, moment=TIMES, cycle=CYCLES, shift=st.sampled_from([-3600, 3600]), k=st.integers(1, 29))
def test_bil17_a_period_end_stored_an_hour_off_renews_for_a_whole_period(
    day: date, moment: time, cycle: str, shift: int, k: int
) -> None:
    """A period end stored while months were counted in UTC is up to an hour off the seller's wall
    clock after a DST change; the renewal still runs to the next anchor day, never for an hour."""
    anchor = _local_start(day, moment)
    step = p.MONTHS_IN_CYCLE[cycle]
    stored_end = p.add_months(anchor, k * step) + timedelta(seconds=shift)
    renewal = p.period_from(anchor, cycle, stored_end)
    assert renewal.end == p.add_months(anchor, (k + 1) * step)
    assert renewal.first_day == seller_date(stored_end)
    assert renewal.last_day == _expected_first_day(seller_date(anchor), (k + 1) * step) - timedelta(days=1)


def test_bil17_seller_day_of_an_instant_is_the_bratislava_day() -> None:
    assert seller_date(datetime(2027, 2, 28, 23, 30, tzinfo=UTC)) == date(2027, 3, 1)  # 00:30 CET
    assert seller_date(datetime(2027, 6, 30, 22, 0, tzinfo=UTC)) == date(2027, 7, 1)  # 00:00 CEST
    assert seller_date(datetime(2027, 6, 30, 21, 59, tzinfo=UTC)) == date(2027, 6, 30)
    assert seller_midnight(date(2027, 3, 1)) == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    assert seller_midnight(date(2027, 7, 1)) == datetime(2027, 6, 30, 22, 0, tzinfo=UTC)
