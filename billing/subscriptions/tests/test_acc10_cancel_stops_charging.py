"""ACC-10 "never charged again" at the seam between accounts and billing: the Owner of an
account whose renewal failed presses "Stop konto", and the hourly billing and dunning jobs (run
through `run_jobs`, as beat would) neither charge, invoice nor mail the account again — also after
the nightly purge. A purged account left in dunning never stops the job for the other customers."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django_tenants.utils import tenant_context

from accounts.lifecycle import account_cancel, account_purge
from accounts.models import Account, AccountStatus, MailLog
from accounts.users.models import User
from billing.models import Document
from billing.subscriptions.choices import ChargeStatus, SubscriptionStatus
from billing.subscriptions.models import Charge, ChargeAttempt, PaymentMethod, Plan, Subscription
from billing.subscriptions.sandbox_books import SandboxTransaction
from billing.subscriptions.services.payment_methods import payment_method_add_card
from billing.subscriptions.tests.conftest import subscribe
from core import transitions
from core.models import AuditEvent
from tests.acc_helpers import make_account, reload, run_jobs

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DECLINES = "4000000000009995"  # the sandbox's "insufficient funds" card
JOBS = ("subscriptions_billing_run", "subscriptions_dunning", "purge_cancelled")


def failed_renewal(slug: str, plans: dict[str, Plan], *, language: str = "da") -> tuple[Account, Charge]:
    """An account on the Team plan since T0 whose card declined at the renewal on 1 April."""
    account = make_account(slug, language=language)
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account, plans["team"], seats=2, cycle="monthly", card=DECLINES)
    renewal = subscription.period_end + timedelta(minutes=30)
    with time_machine.travel(renewal, tick=False):
        run_jobs("subscriptions_billing_run", at=renewal)
    charge = Charge.objects.get(account=account, kind="renewal")
    assert charge.status == ChargeStatus.FAILED and charge.next_retry_at is not None
    return reload(account), charge


def trail(account: Account) -> tuple[int, int, int, int]:
    """Processor calls, charge attempts, invoices and e-mails of the account so far."""
    tokens = list(PaymentMethod.objects.filter(account=account).values_list("token", flat=True))
    return (
        SandboxTransaction.objects.filter(token__in=tokens).count(),
        ChargeAttempt.objects.filter(charge__account=account).count(),
        Document.objects.filter(account=account).count(),
        MailLog.objects.filter(account=account).count(),
    )


def test_acc10_an_owner_with_a_failed_renewal_who_stops_the_account_is_never_charged_invoiced_or_mailed_again(
    accounts_ready, plans: dict[str, Plan]
) -> None:
    # given an account whose renewal failed on 1 April and is waiting for its retries (BIL-12)
    account, charge = failed_renewal("stopper", plans, language="nb")
    assert MailLog.objects.filter(account=account, template="subscriptions_payment_failed").count() == 1
    # when the Owner presses "Stop konto" in Min konto on 1 April at noon
    owner = Client(HTTP_HOST=f"{account.slug}.localhost")
    stop_at = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    with time_machine.travel(stop_at, tick=False):
        with tenant_context(account):
            owner.force_login(User.objects.get(email=f"owner@{account.slug}.example"))
        response = owner.post("/min-konto/stop/", {"understand": "on", "confirm_slug": account.slug})
    assert response.status_code == 302 and reload(account).status == AccountStatus.CANCELLED
    before = trail(account)
    # then the jobs, run every day through the retry days, the nightly purge and the next
    # renewal on 1 May, change nothing for it
    day = datetime(2026, 4, 2, 10, 0, tzinfo=UTC)
    while day < datetime(2026, 5, 16, tzinfo=UTC):
        with time_machine.travel(day, tick=False):
            run_jobs(*JOBS, at=day)
        day += timedelta(days=1)
    assert trail(account) == before  # no processor call, no attempt, no invoice, no e-mail
    charge.refresh_from_db()
    assert charge.status == ChargeStatus.ABANDONED and charge.next_retry_at is None and charge.attempts == 1
    assert Subscription.objects.get(account=account).status == SubscriptionStatus.ENDED
    account = reload(account)
    assert account.deleted_at is not None  # the nightly purge ran, and still nothing was charged
    actions = set(AuditEvent.objects.filter(account_id=account.pk).values_list("action", flat=True))
    assert {"status:cancelled", "charge:abandoned", "subscription:ended", "data_deleted"} <= actions


def test_acc10_a_purged_account_never_stops_the_dunning_job_for_others(accounts_ready, plans: dict[str, Plan]) -> None:
    # given two customers in dunning; the first in line was cancelled and purged by an older
    # version that left its failed charge behind (its row kept, its schema gone)
    gone, gone_charge = failed_renewal("gone", plans)
    other, other_charge = failed_renewal("other", plans)
    Charge.objects.filter(pk=gone_charge.pk).update(next_retry_at=gone_charge.next_retry_at - timedelta(minutes=1))
    Account.all_objects.filter(pk=gone.pk).update(status=AccountStatus.CANCELLED, cancelled_at=T0)
    account_purge(account=reload(gone), actor="system", reason="test: purged before the fix")
    assert Account.objects.filter(pk=gone.pk).count() == 0  # hidden from the default manager
    # and the other customer has added a card that works
    payment_method_add_card(
        account=other, number="4242424242424242", exp_month=12, exp_year=2035, cvc="123", actor="owner"
    )
    before = trail(gone)
    # when the hourly dunning job runs at the first retry
    retry = max(gone_charge.next_retry_at, other_charge.next_retry_at) + timedelta(minutes=5)
    with time_machine.travel(retry, tick=False):
        output = run_jobs("subscriptions_dunning", at=retry)
    # then the purged account's charge is abandoned and recorded, the processor never asked
    gone_charge.refresh_from_db()
    assert gone_charge.status == ChargeStatus.ABANDONED and trail(gone) == before
    assert AuditEvent.objects.filter(
        account_id=gone.pk, action="charge:abandoned", params__charge=gone_charge.pk
    ).exists()
    # and the other customer's overdue renewal is paid and invoiced in the same run
    other_charge.refresh_from_db()
    assert other_charge.status == ChargeStatus.PAID and other_charge.invoice_number
    assert "recovered=1" in output and "abandoned=1" in output
    # and the next run has nothing left of the purged account
    with time_machine.travel(retry + timedelta(days=3), tick=False):
        run_jobs("subscriptions_dunning", at=retry + timedelta(days=3))
    assert trail(gone) == before


def test_acc10_a_failing_reaction_rolls_the_cancellation_back(accounts_ready, plans: dict[str, Plan]) -> None:
    # given an account with a failed renewal and a reaction to cancellations that breaks
    account, charge = failed_renewal("rollback", plans)

    def broken(change: transitions.Change) -> None:
        raise RuntimeError("reaction failed")

    transitions.reacts_to(Account, to=AccountStatus.CANCELLED)(broken)
    try:
        # when the account is cancelled
        with pytest.raises(RuntimeError), transaction.atomic():
            account_cancel(account=account, actor="owner", reason="Stop konto")
    finally:
        transitions._reactions[(Account, AccountStatus.CANCELLED)].remove(broken)
    # then nothing changed: the account, its charge and its subscription are as they were
    assert reload(account).status == AccountStatus.ACTIVE and account.status == AccountStatus.ACTIVE
    charge.refresh_from_db()
    assert charge.status == ChargeStatus.FAILED
    assert Subscription.objects.get(account=account).status == SubscriptionStatus.PAST_DUE
    assert not AuditEvent.objects.filter(account_id=account.pk, action="status:cancelled").exists()


def test_bil12_a_broken_charge_is_recorded_and_dunning_goes_on_for_the_others(
    accounts_ready, plans: dict[str, Plan]
) -> None:
    # given two customers in dunning, both with a card that works now; the first in line has a
    # charge whose stored invoice lines are corrupt, so paying it fails while issuing the invoice
    broken, broken_charge = failed_renewal("broken", plans)
    fine, fine_charge = failed_renewal("fine", plans)
    Charge.objects.filter(pk=broken_charge.pk).update(
        lines=[["Team", "not a number", "29.00"]], next_retry_at=broken_charge.next_retry_at - timedelta(minutes=1)
    )
    for account in (broken, fine):
        payment_method_add_card(
            account=account, number="4242424242424242", exp_month=12, exp_year=2035, cvc="123", actor="owner"
        )
    # when the hourly dunning job runs
    retry = max(broken_charge.next_retry_at, fine_charge.next_retry_at) + timedelta(minutes=5)
    with time_machine.travel(retry, tick=False):
        output = run_jobs("subscriptions_dunning", at=retry)
    # then the broken charge is left as it was (its attempt rolled back) and its error recorded
    broken_charge.refresh_from_db()
    assert broken_charge.status == ChargeStatus.FAILED and broken_charge.attempts == 1
    error = AuditEvent.objects.get(account_id=broken.pk, action="charge_error")
    assert error.params == {"charge": broken_charge.pk}
    assert (error.actor_kind, error.actor_label) == ("job", "subscriptions_dunning")
    # and the other customer's charge is paid in the same run
    fine_charge.refresh_from_db()
    assert fine_charge.status == ChargeStatus.PAID and fine_charge.invoice_number
    assert "error=1" in output and "recovered=1" in output
