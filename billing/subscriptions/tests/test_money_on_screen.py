"""Money on screen (BIL-2, ACC-4, BIL-9): the change preview and "Start and pay" show net, VAT with
its rate and the total incl. VAT with Django's l10n — decimal comma, thousands separator (da ".",
nb a no-break space) and the currency — before anything is charged."""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from accounts.models import Account, AccountStatus
from billing.subscriptions.models import Charge, Plan, Subscription
from billing.subscriptions.services.payment_methods import payment_method_add_card
from billing.subscriptions.tests.conftest import billing_profile_ensure, seller_ensure, subscribe
from billing.subscriptions.tests.test_views import login

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def shown(response) -> str:  # type: ignore[no-untyped-def]
    """The visible text of the facts and buttons, ASCII white space collapsed (the no-break space
    of nb's thousands separator is kept); hidden form values are not shown."""
    html = re.sub(r"<input[^>]*>", "", response.content.decode())
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html))


NBSP = "\xa0"
# 4 more agents on the annual Team plan at the start of the year: 4 × 290 = 1,160 net,
# Danish consumer VAT 25 % = 290, total 1,450.
EXPECTED = {
    "da": [
        "Netto 1.160,00 USD",
        "Moms (25 %) 290,00 USD",
        "I alt inkl. moms 1.450,00 USD",
        "årlig",
        "Bekræft og betal 1.450,00 USD",
    ],
    "nb": [
        f"Netto 1{NBSP}160,00 USD",
        "Mva. (25 %) 290,00 USD",
        f"Totalt inkl. mva. 1{NBSP}450,00 USD",
        "årlig",
        f"Bekreft og betal 1{NBSP}450,00 USD",
    ],
}


@pytest.mark.parametrize("language", ["da", "nb"])
def test_bil2_preview_shows_net_vat_total_and_the_new_cycle_with_thousands_separators(
    client_a: Client, in_account_a: Account, plans: dict[str, Plan], language: str
) -> None:
    with time_machine.travel(T0, tick=False):
        subscribe(in_account_a, plans["team"], seats=2, cycle="annual")
        billing_profile_ensure(in_account_a, country="DK")  # a Danish consumer: 25 % VAT
        login(client_a)
        client_a.cookies["kp_language"] = language
        page = client_a.get("/min-konto/plan/preview/", {"plan": "team", "seats": 6, "cycle": "annual"})
    text = shown(page)
    for expected in EXPECTED[language]:
        assert expected in text
    assert "1450.00" not in text and "1450,00" not in text


def test_bil3_preview_of_a_later_change_says_nothing_now_and_from_when(
    client_a: Client, in_account_a: Account, plans: dict[str, Plan]
) -> None:
    with time_machine.travel(T0, tick=False):
        subscribe(in_account_a, plans["team"], seats=40, cycle="monthly")
        login(client_a)
        page = client_a.get("/min-konto/plan/preview/", {"plan": "team", "seats": 2, "cycle": "annual"})
    text = shown(page)
    # nothing now (the Norwegian buyer pays no VAT); 2 × 290 a year from the next period on 1 July
    assert "Netto 0,00 USD" in text and "I alt inkl. moms 0,00 USD" in text and "0.00" not in text
    assert "580,00 USD inkl. moms, årlig, fra 1. juli 2026" in text


def test_acc4_start_and_pay_shows_the_total_incl_vat_before_the_owner_confirms(
    client_a: Client, in_account_a: Account, plans: dict[str, Plan]
) -> None:
    Account.objects.filter(pk=in_account_a.pk).update(status=AccountStatus.TRIAL, plan_name="")
    seller_ensure()
    billing_profile_ensure(in_account_a, country="DK")
    with time_machine.travel(T0, tick=False):
        payment_method_add_card(
            account=in_account_a, number="4242424242424242", exp_month=12, exp_year=2035, cvc="123", actor="t"
        )
        login(client_a)
        # 40 agents × 29 = 1,160 net + 25 % VAT
        page = client_a.get("/min-konto/plan/start/preview/", {"plan": "team", "seats": 40, "cycle": "monthly"})
        text = shown(page)
        assert "1.160,00 USD" in text and "Moms (25 %)" in text and "Start og betal 1.450,00 USD" in text
        assert not Subscription.objects.filter(account=in_account_a).exists()  # nothing charged yet
        stale = client_a.post(
            "/min-konto/plan/start/", {"plan": "team", "seats": 40, "cycle": "monthly", "expected_amount": "1.00"}
        )
        assert stale.status_code == 302 and "/plan/start/preview/" in stale["Location"]
        assert not Charge.objects.filter(account=in_account_a).exists()
        started = client_a.post(
            "/min-konto/plan/start/", {"plan": "team", "seats": 40, "cycle": "monthly", "expected_amount": "1450.00"}
        )
    assert started.status_code == 302
    assert Charge.objects.get(account=in_account_a, kind="first").amount == 1450
