"""BIL-11: money is Decimal, rounded half-up to the cent per line; totals are sums of lines."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from billing.tax import LineInput, cents, lines_compute


def test_bil11_line_rounding_is_half_up_per_line():
    totals = lines_compute(
        lines=[LineInput("a", Decimal("3"), Decimal("0.335")), LineInput("b", Decimal("1"), Decimal("0.125"))],
        rate=Decimal("23"),
        currency="EUR",
    )
    # 3 × 0.335 = 1.005 → 1.01 (half-up, not banker's 1.00); 0.125 → 0.13
    assert [line.net for line in totals.lines] == [Decimal("1.01"), Decimal("0.13")]
    # VAT per line: 1.01 × 23 % = 0.2323 → 0.23; 0.13 × 23 % = 0.0299 → 0.03
    assert [line.vat for line in totals.lines] == [Decimal("0.23"), Decimal("0.03")]
    assert (totals.net, totals.vat, totals.gross, totals.currency) == (
        Decimal("1.14"),
        Decimal("0.26"),
        Decimal("1.40"),
        "EUR",
    )


def test_bil11_negative_amounts_round_symmetrically():
    assert cents(Decimal("-1.005")) == Decimal("-1.01")
    assert cents(Decimal("1.005")) == Decimal("1.01")


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=1000, places=3),
            st.decimals(min_value=-10000, max_value=10000, places=4),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([Decimal("0"), Decimal("20"), Decimal("23"), Decimal("25"), Decimal("25.5")]),
)
def test_bil11_totals_are_the_sums_of_rounded_lines(rows, rate):
    totals = lines_compute(lines=[LineInput("x", q, p) for q, p in rows], rate=rate, currency="EUR")
    assert totals.net == sum((line.net for line in totals.lines), Decimal("0"))
    assert totals.gross == totals.net + totals.vat
    assert all(line.net.as_tuple().exponent == -2 and line.vat.as_tuple().exponent == -2 for line in totals.lines)
