"""BIL-1 on the batch path, issue 14: a batch reads what it needs for all its accounts at once
(billing details, flags, deliveries, prices, VAT and exchange rates, the seller: `core.memo`) and
writes its audit rows and receipt rows in one statement each — so its statements do not grow with
its size — while every invoice keeps what the per-account path gives it: the buyer's and seller's
details as they are when the batch runs, the deliveries on one invoice only, the receipt in the
Owner's language carrying the invoice's PDF."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, MailLog
from billing.models import BillingProfile, DocumentMail, DocumentMailKind, Invoice, SellerProfile
from billing.services.deliveries import custom_delivery_record
from billing.subscriptions.batch_run import billing_batch_run, due_subscription_ids
from billing.subscriptions.models import Plan, Subscription
from billing.subscriptions.selectors import price_at
from billing.subscriptions.tests.conftest import bulk_accounts, seller_ensure
from billing.tests.pdf_worker import pdfs_rendered
from config.clock import frozen_at
from core.audit import audit_batched
from core.memo import memoised, run_memo
from core.models import AuditEvent

AT = datetime(2026, 5, 1, 6, 5, tzinfo=UTC)


def _bill(subscription_ids: list[int]) -> int:
    """One batch, as a worker runs it; the statements billing sent (not the sandbox processor's
    ledger, the stand-in for a remote processor, which shares the connection inside a test)."""
    with frozen_at(AT), CaptureQueriesContext(connection) as queries:
        billing_batch_run(subscription_ids=subscription_ids, at=AT)
    return sum(1 for q in queries if "sandbox" not in q["sql"] and "SAVEPOINT" not in q["sql"])


@pytest.mark.django_db
def test_bil1_a_batch_of_29_sends_as_many_statements_as_a_batch_of_5(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan], settings, django_capture_on_commit_callbacks
) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = True
    seller_ensure()
    accounts = bulk_accounts(35, plans["team"], AT)
    ids = due_subscription_ids(at=AT)
    with django_capture_on_commit_callbacks():  # the PDFs are queued after commit, not rendered here
        _bill(ids[:1])  # the first batch ever creates the number series' row
        small, large = _bill(ids[1:6]), _bill(ids[6:])
    assert small == large
    assert small < 40  # a handful per batch, not ~18 per account as before
    invoices = Invoice.objects.filter(account__in=accounts)
    assert invoices.filter(status="paid").count() == 35
    # BIL-10/BIL-17 audit: issued and paid per invoice, the charge's move to paid, all written
    issued = AuditEvent.objects.filter(action="invoice_issued", account_id__in=[a.pk for a in accounts])
    paid = AuditEvent.objects.filter(action="charge:paid", account_id__in=[a.pk for a in accounts])
    assert issued.count() == 35 and paid.count() == 35


@pytest.mark.django_db
def test_bil6_bil14_batch_receipts_wait_for_the_invoice_pdf_and_carry_it_in_the_owner_language(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan], settings, django_capture_on_commit_callbacks
) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = True
    seller_ensure()
    accounts = bulk_accounts(4, plans["team"], AT)
    with django_capture_on_commit_callbacks():
        _bill(due_subscription_ids(at=AT))
    invoices = list(Invoice.objects.filter(account__in=accounts))
    assert len(invoices) == 4
    # no receipt before its invoice's PDF exists; each waits as a receipt of its invoice
    assert not MailLog.objects.filter(template="subscriptions_receipt").exists()
    waiting = DocumentMail.objects.filter(document__in=invoices, sent_at__isnull=True)
    assert set(waiting.values_list("kind", flat=True)) == {DocumentMailKind.RECEIPT} and waiting.count() == 4
    mail.outbox.clear()
    pdfs_rendered(django_capture_on_commit_callbacks)
    receipts = MailLog.objects.filter(template="subscriptions_receipt", account__in=accounts)
    assert receipts.count() == 4
    languages = {a.pk: a.language for a in accounts}
    assert all(r.language == languages[r.account_id] for r in receipts)
    assert len(mail.outbox) == 4
    assert all(any(name.endswith(".pdf") for name, *_ in m.attachments) for m in mail.outbox)


@pytest.mark.django_db
def test_bil13_deliveries_go_on_the_first_invoice_when_a_batch_bills_two_periods_of_one_account(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan], settings
) -> None:
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    seller_ensure()
    account = bulk_accounts(1, plans["team"], AT)[0]
    subscription = Subscription.objects.get(account=account)
    two_back = AT - timedelta(days=61)  # two periods started by AT: April and May
    Subscription.objects.filter(pk=subscription.pk).update(
        anchor=two_back, period_start=two_back, period_end=AT - timedelta(days=30)
    )
    currency = price_at(plan=plans["team"], at=AT).currency
    with frozen_at(AT - timedelta(days=40)):
        custom_delivery_record(
            account=account,
            description="Import of old tickets",
            price=Decimal("250.00"),
            agreed_on=date(2026, 3, 20),
            actor="staff:test",
            currency=currency,
        )
    _bill(due_subscription_ids(at=AT))
    invoices = list(Invoice.objects.filter(account=account).order_by("period_start"))
    assert len(invoices) == 2
    first, second = ([line.description for line in i.lines.all()] for i in invoices)
    assert "Import of old tickets" in first
    assert "Import of old tickets" not in second


@pytest.mark.django_db
def test_bil1_a_change_made_between_two_batches_is_on_the_next_batch_invoices(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan], settings
) -> None:
    """What a batch reads once is read again by the next batch: nothing goes stale."""
    settings.SUBSCRIPTIONS_INVOICE_PDF = False
    seller_ensure()
    accounts = bulk_accounts(4, plans["team"], AT)
    ids = due_subscription_ids(at=AT)
    _bill(ids[:2])
    # staff enter the seller's new name and the third account's buyer moves, between the batches
    seller = SellerProfile.objects.order_by("-valid_from").first()
    seller.pk, seller.valid_from, seller.legal_name = None, AT - timedelta(hours=1), "Kontoportal Nova s.r.o."
    seller.save()
    BillingProfile.objects.filter(account=accounts[2]).update(name="Ny Kontakt", city="Bergen")
    _bill(ids[2:])
    by_account = {i.account_id: i for i in Invoice.objects.filter(account__in=accounts)}
    assert by_account[accounts[0].pk].seller["legal_name"] == "Kontoportal s.r.o."
    assert by_account[accounts[2].pk].seller["legal_name"] == "Kontoportal Nova s.r.o."
    assert by_account[accounts[2].pk].buyer["city"] == "Bergen"
    assert by_account[accounts[3].pk].buyer["city"] == "Oslo"


calls: list[int] = []


@memoised(key=lambda n: n)
def _square(n: int) -> int:
    calls.append(n)
    return n * n


@pytest.mark.django_db
def test_bil1_memo_answers_once_per_run_and_never_outside_one() -> None:
    calls.clear()
    assert _square(3) == 9 and _square(3) == 9
    assert calls == [3, 3]  # outside a run: asked each time
    with run_memo():
        _square.prime({4: 16})
        assert [_square(3), _square(3), _square(4)] == [9, 9, 16]
    assert calls == [3, 3, 3]  # once in the run; the primed answer was not asked
    with run_memo():
        _square(3)
    assert calls == [3, 3, 3, 3]  # a new run asks again


@pytest.mark.django_db
def test_bil1_batched_audit_rows_are_written_at_the_end_or_not_at_all(
    accounts_ready: tuple[Account, Account],
) -> None:
    from accounts.lifecycle import audit

    account = accounts_ready[0]
    before = AuditEvent.objects.count()
    with audit_batched():
        audit(account=account, actor="system", action="note_one")
        audit(account=account, actor="system", action="note_two")
        assert AuditEvent.objects.count() == before  # not yet
    assert list(AuditEvent.objects.order_by("-id").values_list("action", flat=True)[:2]) == ["note_two", "note_one"]
    with pytest.raises(RuntimeError), audit_batched():
        audit(account=account, actor="system", action="note_three")
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="note_three").exists()
