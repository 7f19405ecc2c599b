"""BIL-12 dunning, rehearsed with `run_jobs --at` over a month and a half: trial conversions
(ACC-4), renewals (BIL-1), a card that expires into dunning, suspension, payment, restoration."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import time_machine
from django.core.management import call_command

from accounts.models import Account, AccountStatus, MailLog
from billing.subscriptions.batch_run import account_bill
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import BillingSettings, Charge, Plan, Subscription
from billing.subscriptions.services.charges import overdue_pay
from billing.subscriptions.services.payment_methods import payment_method_add_card
from billing.subscriptions.services.start import subscription_start
from billing.subscriptions.tests.conftest import billing_profile_ensure, seller_ensure, subscribe
from billing.tests.pdf_worker import pdfs_rendered

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def run_jobs_at(moment: datetime) -> None:
    call_command(
        "run_jobs",
        "subscriptions_billing_run",
        "subscriptions_dunning",
        at=moment.isoformat(),
        stdout=open("/dev/null", "w"),
    )


def test_bil12_month_rehearsal_conversion_renewal_dunning_suspension_and_back(
    account_a: Account, account_b: Account, plans: dict[str, Plan], django_capture_on_commit_callbacks
) -> None:
    seller_ensure()
    # given two trials converting on 1 March (ACC-4); Bravo's card expires at the end of March
    with time_machine.travel(T0, tick=False):
        subscribe(account_a, plans["team"], seats=2, cycle="monthly")
        billing_profile_ensure(account_b)
        Account.objects.filter(pk=account_b.pk).update(status=AccountStatus.TRIAL)
        account_b.refresh_from_db()
        payment_method_add_card(
            account=account_b, number="4242424242424242", exp_month=3, exp_year=2026, cvc="321", actor="t"
        )
        subscription_start(account=account_b, plan=plans["all-inclusive"], seats=1, cycle="monthly", actor="t")
    for account in (account_a, account_b):
        account.refresh_from_db()
        assert account.status == AccountStatus.ACTIVE
    # when the jobs run every day at 09:30 through April
    day = datetime(2026, 4, 1, 9, 30, tzinfo=UTC)
    statuses = {}
    while day < datetime(2026, 4, 17, tzinfo=UTC):
        with time_machine.travel(day, tick=False):
            run_jobs_at(day)
        statuses[day.day] = Account.objects.get(pk=account_b.pk).status
        day += timedelta(days=1)
    # then Alfa renewed; Bravo's renewal failed, was retried on the schedule, and suspended
    alfa = Charge.objects.get(account=account_a, kind="renewal")
    assert alfa.status == ChargeStatus.PAID and alfa.amount == Decimal("58.00")
    bravo = Charge.objects.get(account=account_b, kind="renewal")
    assert bravo.status == ChargeStatus.FAILED and bravo.failure_code == "expired_card"
    assert bravo.attempts == 8  # the renewal + 7 retries over 14 days
    assert [t.at.day for t in bravo.tries.all()] == [1, 2, 4, 6, 8, 10, 12, 15]
    assert statuses[14] == AccountStatus.ACTIVE and statuses[15] == AccountStatus.SUSPENDED
    reminders = MailLog.objects.filter(account=account_b, template="subscriptions_payment_failed")
    assert reminders.count() == 7 and {m.language for m in reminders} == {"nb"}
    assert MailLog.objects.filter(account=account_b, template="account_suspended").exists()
    assert Subscription.objects.get(account=account_b).status == "past_due"
    # when the Owner adds a new card, the overdue charge is paid and the account restored
    with time_machine.travel(datetime(2026, 4, 18, 12, 0, tzinfo=UTC), tick=False):
        payment_method_add_card(
            account=account_b, number="5555555555554444", exp_month=8, exp_year=2029, cvc="555", actor="owner@bravo.no"
        )
        (paid,) = overdue_pay(account=account_b, actor="owner@bravo.no")
    assert paid.status == ChargeStatus.PAID and paid.invoice_number
    account_b.refresh_from_db()
    assert account_b.status == AccountStatus.ACTIVE
    pdfs_rendered(django_capture_on_commit_callbacks)  # each receipt carries its invoice's PDF (BIL-14)
    assert MailLog.objects.filter(account=account_b, template="subscriptions_receipt").count() == 2
    # and on 1 May both renew normally
    with time_machine.travel(datetime(2026, 5, 1, 9, 30, tzinfo=UTC), tick=False):
        run_jobs_at(datetime(2026, 5, 1, 9, 30, tzinfo=UTC))
    # BIL-17: the month turns at 10:00 in Bratislava, as on 1 March: 08:00 UTC in summer time
    may = Charge.objects.filter(kind="renewal", period_start=datetime(2026, 5, 1, 8, 0, tzinfo=UTC))
    assert sorted(may.values_list("status", flat=True)) == ["paid", "paid"]


def test_bil12_staff_set_retry_schedule_is_followed(account_a: Account, plans: dict[str, Plan]) -> None:
    settings = BillingSettings.current()
    settings.retry_days = "2,4"
    settings.save()
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=1, cycle="monthly", card="4000000000009995")
    renewal = subscription.period_end
    for offset in (0, 2, 4):
        moment = renewal + timedelta(days=offset, minutes=30)
        with time_machine.travel(moment, tick=False):
            run_jobs_at(moment)
    charge = Charge.objects.get(subscription=subscription, kind="renewal")
    assert charge.attempts == 3 and charge.failure_code == "insufficient_funds" and charge.next_retry_at is None
    account_a.refresh_from_db()
    assert account_a.status == AccountStatus.SUSPENDED


def test_bil12_suspended_account_is_not_billed_for_new_periods(account_a: Account, plans: dict[str, Plan]) -> None:
    with time_machine.travel(T0, tick=False):
        subscription = subscribe(account_a, plans["team"], seats=1, cycle="monthly")
    Account.objects.filter(pk=account_a.pk).update(status=AccountStatus.SUSPENDED)
    account_a.refresh_from_db()
    assert account_bill(account=account_a, at=subscription.period_end + timedelta(days=40)) == []
    assert Charge.objects.filter(subscription=subscription).count() == 1
