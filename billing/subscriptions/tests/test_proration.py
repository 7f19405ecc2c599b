"""BIL-1/2/3 proration as a pure function, property-tested over month ends, leap years,
consecutive changes and monthly↔annual switches."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from billing.subscriptions import proration as p

SELLER = ZoneInfo("Europe/Bratislava")

# Anchors on the days that make calendars hard: month ends, 29 Feb of leap years, year ends.
ANCHORS = st.sampled_from(
    [
        datetime(2024, 1, 31, 9, 30, tzinfo=UTC),
        datetime(2024, 2, 29, 0, 0, tzinfo=UTC),
        datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2025, 3, 31, 12, 0, tzinfo=UTC),
        datetime(2027, 8, 30, 6, 0, tzinfo=UTC),
        datetime(2028, 2, 28, 18, 0, tzinfo=UTC),
    ]
)
PRICES = st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2)
SEATS = st.integers(min_value=1, max_value=60)
CYCLES = st.sampled_from([p.MONTHLY, p.ANNUAL])


def terms(plan: str, seats: int, cycle: str, monthly: Decimal, rank: int) -> p.Terms:
    unit = monthly * 10 if cycle == p.ANNUAL else monthly
    return p.Terms(plan=plan, seats=seats, cycle=cycle, unit_price=unit, rank=rank)


def test_bil1_month_end_anchor_clips_and_does_not_drift() -> None:
    # Months are counted on the seller's wall clock (BIL-17): 31 March 2024 is a DST change day,
    # and the period still turns at 10:00 in Bratislava (08:00 UTC instead of 09:00 in winter).
    anchor = datetime(2024, 1, 31, 10, 0, tzinfo=SELLER)
    assert p.add_months(anchor, 1) == datetime(2024, 2, 29, 10, 0, tzinfo=SELLER)
    assert p.add_months(anchor, 2) == datetime(2024, 3, 31, 10, 0, tzinfo=SELLER)
    assert p.add_months(datetime(2024, 2, 29, tzinfo=SELLER), 12) == datetime(2025, 2, 28, tzinfo=SELLER)


@settings(max_examples=300)
@given(anchor=ANCHORS, cycle=CYCLES, offset=st.integers(min_value=0, max_value=6 * 366 * 86400))
def test_bil1_periods_tile_time_without_gaps(anchor: datetime, cycle: str, offset: int) -> None:
    at = anchor + timedelta(seconds=offset)
    period = p.period_containing(anchor, cycle, at)
    assert period.start <= at < period.end
    following = p.period_containing(anchor, cycle, period.end)
    assert following.start == period.end  # consecutive periods touch: no gap, no overlap


@settings(max_examples=300)
@given(
    anchor=ANCHORS,
    seats=SEATS,
    extra=st.integers(min_value=0, max_value=30),
    old=PRICES,
    raise_by=PRICES,
    offset=st.integers(min_value=0, max_value=366 * 86400),
)
def test_bil2_annual_upgrade_prorated_never_negative_and_parts_sum_to_the_cent(
    anchor: datetime, seats: int, extra: int, old: Decimal, raise_by: Decimal, offset: int
) -> None:
    current = terms("a", seats, p.ANNUAL, old, 1)
    target = terms("b", seats + extra, p.ANNUAL, old + raise_by, 2)
    at = anchor + timedelta(seconds=offset)
    quote = p.quote_change(current=current, target=target, anchor=anchor, at=at, currency="USD")
    assert quote.effect == p.UPGRADE_NOW
    assert quote.amount >= 0
    # the period costs the used part of the old price plus the rest of the new price, exactly
    assert current.price + quote.amount == quote.used_part + quote.new_remainder
    assert quote.used_part >= 0 and quote.new_remainder <= target.price
    # at the very start the whole difference is due; never more than the difference
    assert quote.amount <= target.price - current.price


@settings(max_examples=200)
@given(
    anchor=ANCHORS,
    seats=SEATS,
    prices=st.lists(PRICES, min_size=2, max_size=5),
    cuts=st.lists(st.integers(min_value=0, max_value=365 * 86400), min_size=1, max_size=4),
)
def test_bil2_consecutive_annual_upgrades_sum_to_the_cent(
    anchor: datetime, seats: int, prices: list[Decimal], cuts: list[int]
) -> None:
    """Upgrades at t1 ≤ t2 ≤ …: each charge is ≥ 0, and the period's total equals the exact sum of
    each plan's share of the period (what each plan cost for the time it was held)."""
    prices = sorted(prices)
    moments = sorted(anchor + timedelta(seconds=c) for c in cuts)[: len(prices) - 1]
    period = p.period_containing(anchor, p.ANNUAL, anchor)
    moments = [m for m in moments if m < period.end]
    held = [terms(f"p{i}", seats, p.ANNUAL, price, i) for i, price in enumerate(prices[: len(moments) + 1])]
    paid = held[0].price
    for before, after, at in zip(held, held[1:], moments, strict=False):
        quote = p.quote_change(current=before, target=after, anchor=anchor, at=at, currency="USD")
        assert quote.amount >= 0
        paid += quote.amount
    # share of plan i = R(P_i, t_i) − R(P_i, t_{i+1}), with t_0 = start and t_last = end
    bounds = [period.start, *moments, period.end]
    shares = sum(
        (p.remainder(plan.price, period, bounds[i]) - p.remainder(plan.price, period, bounds[i + 1]))
        for i, plan in enumerate(held)
    )
    assert paid == shares


@settings(max_examples=200)
@given(anchor=ANCHORS, seats=SEATS, old=PRICES, raise_by=PRICES, offset=st.integers(min_value=0, max_value=31 * 86400))
def test_bil2_monthly_upgrade_is_not_prorated(
    anchor: datetime, seats: int, old: Decimal, raise_by: Decimal, offset: int
) -> None:
    current = terms("a", seats, p.MONTHLY, old, 1)
    target = terms("b", seats + 1, p.MONTHLY, old + raise_by, 2)
    quote = p.quote_change(
        current=current, target=target, anchor=anchor, at=anchor + timedelta(seconds=offset), currency="USD"
    )
    assert quote.effect == p.UPGRADE_NOW_UNCHARGED
    assert quote.amount == Decimal("0.00")
    assert quote.next_period_price == target.price


@settings(max_examples=200)
@given(
    anchor=ANCHORS,
    seats=st.integers(min_value=2, max_value=60),
    old=PRICES,
    cycle=CYCLES,
    offset=st.integers(min_value=0, max_value=366 * 86400),
)
def test_bil3_downgrade_waits_for_next_period_and_never_credits(
    anchor: datetime, seats: int, old: Decimal, cycle: str, offset: int
) -> None:
    current = terms("b", seats, cycle, old, 2)
    for target in (terms("a", seats, cycle, old / 2, 1), terms("b", seats - 1, cycle, old, 2)):
        quote = p.quote_change(
            current=current, target=target, anchor=anchor, at=anchor + timedelta(seconds=offset), currency="USD"
        )
        assert quote.effect == p.AT_NEXT_PERIOD
        assert quote.amount == Decimal("0.00")  # no refund, no credit


@settings(max_examples=200)
@given(
    anchor=ANCHORS, seats=SEATS, monthly=PRICES, cycle=CYCLES, offset=st.integers(min_value=0, max_value=366 * 86400)
)
def test_bil2_monthly_annual_switch_applies_at_next_period_without_charge(
    anchor: datetime, seats: int, monthly: Decimal, cycle: str, offset: int
) -> None:
    other = p.ANNUAL if cycle == p.MONTHLY else p.MONTHLY
    current = terms("a", seats, cycle, monthly, 1)
    target = terms("a", seats + 1, other, monthly, 1)
    quote = p.quote_change(
        current=current, target=target, anchor=anchor, at=anchor + timedelta(seconds=offset), currency="USD"
    )
    assert quote.effect == p.AT_NEXT_PERIOD
    assert quote.amount == Decimal("0.00")
    assert quote.next_period_price == target.price >= 0


def test_bil2_annual_upgrade_halfway_charges_half_the_difference() -> None:
    anchor = datetime(2025, 1, 1, tzinfo=UTC)  # 365 days
    current = p.Terms("team", 2, p.ANNUAL, Decimal("290.00"), 1)
    target = p.Terms("all", 2, p.ANNUAL, Decimal("390.00"), 2)
    halfway = anchor + timedelta(days=182, hours=12)
    quote = p.quote_change(current=current, target=target, anchor=anchor, at=halfway, currency="USD")
    assert quote.amount == Decimal("100.00")  # (780 − 580) × ½
