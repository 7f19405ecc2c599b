"""BIL-12: the payment-failed e-mail speaks its recipient's language. The charge keeps only the
decline code; the sentence is rendered when the mail is made for the Owner — not in the language
the billing run or the dunning job happens to run in; so is the reason in the suspension mail
after the last retry."""

from datetime import UTC, datetime

import time_machine
from django.utils import translation

from accounts.models import Account, AccountStatus, MailLog
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import BillingSettings, Charge, Plan
from billing.subscriptions.tests.conftest import subscribe
from tests.acc_helpers import make_account, run_jobs

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DECLINING_CARD = "4000000000000341"  # saved; the sandbox declines every charge: "card_declined"


def test_bil12_payment_failed_mail_is_in_the_recipients_language_whatever_language_the_job_runs_in(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan]
) -> None:
    # given an nb account whose card is declined at its first renewal
    account = make_account("fjellnb", language="nb")
    with time_machine.travel(T0, tick=False):
        subscribe(account, plans["team"], seats=2, card=DECLINING_CARD)
    # when the billing run and the first dunning retry run in Danish
    with translation.override("da"):
        for moment in (datetime(2026, 4, 1, 9, 30, tzinfo=UTC), datetime(2026, 4, 2, 9, 30, tzinfo=UTC)):
            with time_machine.travel(moment, tick=False):
                run_jobs("subscriptions_billing_run", "subscriptions_dunning", at=moment)
    # then the charge kept the code, and the Owner read every payment-failed mail in Norwegian
    renewal = Charge.objects.get(account=account, kind="renewal")
    assert renewal.status == ChargeStatus.FAILED and renewal.failure_code == "card_declined"
    mails = list(MailLog.objects.filter(account=account, template="subscriptions_payment_failed"))
    assert len(mails) == 2  # the renewal and the retry on day 1
    for mail in mails:
        assert mail.language == "nb"
        assert "Kortet ble avvist. Ingenting ble belastet, og ingenting ble endret." in mail.body
        assert "Kortet blev afvist" not in mail.body and "The card was declined" not in mail.body


def test_bil12_suspension_mail_after_the_last_retry_gives_the_reason_in_the_owners_language(
    accounts_ready: tuple[Account, Account], plans: dict[str, Plan]
) -> None:
    # given an nb account with a declined card, and one retry a day after the failed renewal
    account = make_account("fjordnb", language="nb")
    settings = BillingSettings.current()
    settings.retry_days = "1"
    settings.save()
    with time_machine.travel(T0, tick=False):
        subscribe(account, plans["team"], seats=2, card=DECLINING_CARD)
    # when the renewal and its last retry fail while the jobs run in Danish
    with translation.override("da"):
        for moment in (datetime(2026, 4, 1, 9, 30, tzinfo=UTC), datetime(2026, 4, 2, 9, 30, tzinfo=UTC)):
            with time_machine.travel(moment, tick=False):
                run_jobs("subscriptions_billing_run", "subscriptions_dunning", at=moment)
    # then the account is suspended and the Owner is told why, in Norwegian
    account.refresh_from_db()
    assert account.status == AccountStatus.SUSPENDED
    mail = MailLog.objects.get(account=account, template="account_suspended")
    assert mail.language == "nb"
    assert "Abonnementet er ikke betalt: fornyelsen kunne ikke belastes, heller ikke ved siste forsøk." in mail.body
    assert "trækkes" not in mail.body and "unpaid" not in mail.body
