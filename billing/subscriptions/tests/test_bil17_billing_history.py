"""BIL-17 in Min konto: invoices, credit notes and card payments in one list, newest first, each
with its state in words (paid how and when, due when, cancelled by which credit note), in Danish
and Norwegian, 25 to a page at a fixed number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_tenants.utils import tenant_context

from accounts.models import Account
from accounts.users.models import Role, User
from billing.services.corrections import credit_note_issue
from billing.services.documents import invoice_issue
from billing.subscriptions.models import Charge, Plan
from billing.subscriptions.tests.conftest import subscribe
from billing.tax import LineInput

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
WORDS = {
    "da": {
        "heading": "Fakturaer, kreditnotaer og betalinger",
        "due": "Forfalder 13.12.2026",
        "void": "Annulleret – krediteret af",
        "payment": "Betaling – Første periode",
        "pages": "Side 1 af 2",
    },
    "nb": {
        "heading": "Fakturaer, kreditnotaer og betalinger",
        "due": "Forfaller 13.12.2026",
        "void": "Annullert – kreditert av",
        "payment": "Betaling – Første periode",
        "pages": "Side 1 av 2",
    },
}


def extra(label: str) -> list[LineInput]:
    return [LineInput(label, 1, 10)]


def owner_client(client, account: Account):  # type: ignore[no-untyped-def]
    with tenant_context(account):
        client.force_login(User.objects.get(role=Role.OWNER))
    return client


@pytest.mark.parametrize("which", ["a", "b"])
def test_bil17_min_konto_lists_invoices_and_payments_with_their_state(request, plans: dict[str, Plan], which) -> None:
    account = request.getfixturevalue(f"account_{which}")
    client = owner_client(request.getfixturevalue(f"client_{which}"), account)
    words = WORDS[account.language]
    # given a card-paid subscription, an invoice cancelled by a credit note, and an unpaid one
    with time_machine.travel(T0, tick=False):
        subscribe(account, plans["team"])
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        cancelled = invoice_issue(account=account, lines=extra("Setup"), notify=False, render_pdf=False)
        note = credit_note_issue(invoice=cancelled, reason="Agreed", notify=False, render_pdf=False)
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        unpaid = invoice_issue(account=account, lines=extra("Training"), notify=False, render_pdf=False)
        page = client.get("/min-konto/billing/").content.decode()
    paid = Charge.objects.get(account=account)
    # then one list holds them all, newest first, each with its state in the reader's language
    assert words["heading"] in page
    rows = [
        (unpaid.number, words["due"]),
        (note.number, f"Krediterer faktura {cancelled.number}"),
        (cancelled.number, f"{words['void']} {note.number}"),
        (paid.invoice_number, "Betalt 29.11.2026 med Visa •••• 4242"),
        (words["payment"], "Betalt 29.11.2026 med Visa •••• 4242"),
    ]
    positions = []
    for number, state in rows:
        assert number in page and state in page, (number, state)
        positions.append(page.index(state, page.index(number)))
    assert positions == sorted(positions)
    assert "58,00 USD" in page  # the card payment: 2 agents × 29 USD, Norwegian billing details, no VAT


def test_bil17_min_konto_pages_the_history_25_at_a_time(
    account_a: Account, client_a, plans: dict[str, Plan], django_assert_max_num_queries
) -> None:
    client = owner_client(client_a, account_a)
    with time_machine.travel(T0, tick=False):
        subscribe(account_a, plans["team"])
    for minute in range(1, 30):
        with time_machine.travel(T0 + timedelta(minutes=minute), tick=False):
            invoice_issue(account=account_a, lines=extra(f"Extra {minute}"), notify=False, render_pdf=False)
    # 30 invoices and 1 payment: 25 on the first page, 6 on the second
    # 9: the host lookup (it sets the search_path), session, user; the document keys, the charges
    # (with their methods), the page's documents and their credit notes, their e-invoices with
    # their deliveries (BIL-14); the profile; an invoice waiting for identifiers. The same for 31
    # rows as for 3.
    with django_assert_max_num_queries(9):
        first = client.get("/min-konto/billing/").content.decode()
    second = client.get("/min-konto/billing/?page=2").content.decode()
    assert first.count("<tr class=") == 25 and second.count("<tr class=") == 6
    assert WORDS["da"]["pages"] in first and "Side 2 af 2" in second
    assert "FA-000030" in first and "FA-000001" not in first and "FA-000001" in second
