"""What Min konto's plan page reads, in a fixed number of queries (issue 14): every plan price
once (the table is small and does not grow with the account's data), the plans from that same
read, and the billing history 25 to a page together with the overdue payments and the page count
in one query."""

from collections.abc import Callable
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, Value, Window

from accounts.models import Account
from billing.subscriptions import selectors
from billing.subscriptions.models import Charge, Plan, PlanPrice

PAGE_SIZE = 25
PriceAt = Callable[[Plan, datetime], PlanPrice]


def prices_read() -> tuple[list[Plan], PriceAt]:
    """The public plans by rank and a price_at that answers from one read of every price version
    (the same choice as selectors.price_at: the newest version in force at the moment asked)."""
    prices = list(PlanPrice.objects.select_related("plan").order_by("-effective_from", "-id"))
    plans = sorted({price.plan.pk: price.plan for price in prices if price.plan.is_public}.values(), key=_rank)

    def price_at(plan: Plan, at: datetime) -> PlanPrice:
        for price in prices:
            if price.plan_id == plan.pk and price.effective_from <= at:
                return price
        raise selectors.NoPrice(plan.code)

    return plans, price_at


def _rank(plan: Plan) -> int:
    return plan.rank


def charges_page(*, account: Account, page: int | str | None) -> tuple[Page, list[Charge]]:
    """One page of the account's payments, newest first, and every overdue (failed) payment,
    oldest first — one query: the page and the overdue rows as one UNION ALL, the total count as a
    window over the page's query."""
    number = _page_number(page)
    start = (number - 1) * PAGE_SIZE
    listed = (
        selectors.charges_of(account)
        .annotate(part=Value(0, IntegerField()), total=Window(Count("id")))
        .order_by("-created_at", "-id")[start : start + PAGE_SIZE]
    )
    overdue = selectors.overdue_charges(account).annotate(part=Value(1, IntegerField()), total=Value(0, IntegerField()))
    rows = list(listed.union(overdue, all=True))
    shown = sorted((row for row in rows if row.part == 0), key=lambda row: (row.created_at, row.pk), reverse=True)
    late = sorted((row for row in rows if row.part == 1), key=lambda row: (row.created_at, row.pk))
    if not shown and number > 1:
        # Past the last page (an old link): the last page, as Paginator.get_page gives, with a count.
        last = Paginator(selectors.charges_of(account), PAGE_SIZE).num_pages
        return charges_page(account=account, page=last)[0], late
    paginator = Paginator(shown, PAGE_SIZE)
    paginator.count = shown[0].total if shown else 0  # read with the page: no count query
    current = Page(shown, number, paginator)
    return current, late


def _page_number(page: int | str | None) -> int:
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)
