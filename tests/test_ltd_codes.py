"""Lifetime-deal codes (LTD-1 … LTD-4, LTD-6), including ten simultaneous redemptions."""

import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from accounts.forms import started_token
from accounts.lifetime import lifetime_code_sharing_suspend, lifetime_codes_import
from accounts.models import Account, AccountStatus, LifetimeCode, LifetimeCodeBatch, MailLog
from accounts.signup import SignupError, account_signup
from accounts.users.models import Role, User
from accounts.users.services import invitation_accept, user_invite
from tests.acc_helpers import actions, origin, reload

CPH = ZoneInfo("Europe/Copenhagen")
# LTD-2: the seed's deadline
DEADLINE = datetime(2019, 11, 30, 23, 59, tzinfo=CPH)
BEFORE = datetime(2019, 11, 20, 12, 0, tzinfo=CPH)


def signup(code: str, company: str, email: str | None = None):
    return account_signup(
        full_name="Lise Livstid",
        email=email or f"lise@{company.lower().replace(' ', '-')}.dk",
        company=company,
        region="EU",
        language="da",
        code=code,
    )


@pytest.fixture
def codes(accounts_ready):
    return lifetime_codes_import(
        name="Launch 2019", redeem_by=DEADLINE, rows=["code", "LTD-AAAA-1111", "LTD-BBBB-2222"], staff="staff@x"
    )


@pytest.mark.django_db
def test_ltd1_code_redeemed_at_signup_gives_the_all_inclusive_plan(codes):
    with time_machine.travel(BEFORE, tick=False):
        result = signup("LTD-AAAA-1111", "Livstid Test")
    account = result.account
    code = LifetimeCode.objects.get(code="LTD-AAAA-1111")
    assert code.account == account and code.redeemed_at == BEFORE
    assert (account.status, account.plan_name, account.trial_ends_at) == (AccountStatus.ACTIVE, "All-inclusive", None)
    assert result.welcome_url.startswith(origin("livstid-test.localhost") + "/min-konto/welcome/")


@pytest.mark.django_db
def test_ltd1_a_code_works_once_and_the_refused_signup_leaves_nothing(codes):
    with time_machine.travel(BEFORE, tick=False):
        signup("LTD-AAAA-1111", "First Holder")
        with pytest.raises(SignupError) as refused:
            signup("LTD-AAAA-1111", "Second Holder")
    assert refused.value.field == "code" and "allerede brugt" in str(refused.value.message)
    assert not Account.objects.filter(slug="second-holder").exists()
    assert not schema_exists("acct_second_holder")
    # the refused re-use is evidence that the code was shared
    assert LifetimeCode.objects.get(code="LTD-AAAA-1111").refused_attempts == 1


@pytest.mark.django_db
def test_ltd1_accounts_found_sharing_a_code_are_suspended(codes):
    with time_machine.travel(BEFORE, tick=False):
        account = signup("LTD-AAAA-1111", "Sharer").account
    lifetime_code_sharing_suspend(code=LifetimeCode.objects.get(code="LTD-AAAA-1111"), actor="staff@kontoportal.test")
    account = reload(account)
    assert account.status == AccountStatus.SUSPENDED
    assert "lifetime_code_shared" in actions(account)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "ok"),
    [(datetime(2019, 11, 30, 23, 59, tzinfo=CPH), True), (datetime(2019, 12, 1, 0, 0, tzinfo=CPH), False)],
)
def test_ltd2_redemption_closes_at_the_staff_set_deadline(codes, moment, ok):
    with time_machine.travel(moment, tick=False):
        if ok:
            signup("LTD-AAAA-1111", "Just In Time")
        else:
            with pytest.raises(SignupError) as refused:
                signup("LTD-AAAA-1111", "Too Late")
            assert "2019-11-30 23:59" in str(refused.value.message)
            assert LifetimeCode.objects.get(code="LTD-AAAA-1111").account is None


@pytest.mark.django_db
def test_ltd2_refusal_shown_in_the_users_language(codes, public_client):
    cache.clear()
    data = {
        "full_name": "Nils Sen",
        "email": "nils@sen-as.no",
        "company": "Sen AS",
        "region": "EU",
        "language": "nb",
        "code": "LTD-AAAA-1111",
        "adult": "on",
        "website": "",
    }
    with time_machine.travel(datetime(2026, 1, 5, 12, 0, tzinfo=CPH), tick=True):
        data["started"] = started_token(time.time() - 30)
        response = public_client.post("/signup/", data, HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 400
    assert "Tilbudet er utløpt" in response.content.decode()
    assert not Account.objects.filter(slug="sen").exists()


@pytest.mark.django_db
def test_ltd3_one_code_per_account_codes_do_not_stack(codes):
    with time_machine.travel(BEFORE, tick=False):
        account = signup("LTD-AAAA-1111", "Stacker").account
    second = LifetimeCode.objects.get(code="LTD-BBBB-2222")
    second.account = account
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


@pytest.mark.django_db
def test_ltd4_and_ltd6_two_lifetime_seats_and_a_warning_when_a_third_user_joins(
    codes, django_capture_on_commit_callbacks, mailoutbox
):
    with time_machine.travel(BEFORE, tick=False):
        account = signup("LTD-AAAA-1111", "Seats Test", email="owner@seats-test.dk").account
    assert account.seat_limit == 2
    with tenant_context(account), django_capture_on_commit_callbacks(execute=True):
        owner = User.objects.get(role=Role.OWNER)
        first = user_invite(
            account=account, actor=owner, email="one@seats-test.dk", role=Role.AGENT, accept_url_base="/"
        )
        invitation_accept(
            account=account, token=first.token, full_name="One", password="river-stone-44-x", language="da"
        )
        assert not MailLog.objects.filter(template="lifetime_package_exceeded").exists()
        # beyond the package: allowed (billed per LTD-5), and the Owner is warned
        third = user_invite(
            account=account, actor=owner, email="two@seats-test.dk", role=Role.ADMIN, accept_url_base="/"
        )
        invitation_accept(
            account=account, token=third.token, full_name="Two", password="river-stone-44-x", language="da"
        )
    warning = MailLog.objects.get(template="lifetime_package_exceeded")
    assert warning.recipient == "owner@seats-test.dk" and "3 brugere" in warning.body and "2 pladser" in warning.body


@pytest.mark.django_db(transaction=True)
def test_ltd1_ten_simultaneous_redemptions_of_one_code_make_exactly_one_account(accounts_ready):
    lifetime_codes_import(name="Race", redeem_by=datetime(2099, 1, 1, tzinfo=CPH), rows=["RACE-0001"], staff="staff@x")
    cache.clear()
    barrier = threading.Barrier(10)
    outcomes: list[str] = []

    def redeem(n: int) -> None:
        close_old_connections()
        client = Client(HTTP_HOST="localhost", REMOTE_ADDR=f"10.0.0.{n + 1}")
        data = {
            "full_name": f"Racer {n}",
            "email": f"racer{n}@race-{n}.dk",
            "company": f"Race Company {n}",
            "region": "EU",
            "language": "da",
            "code": "RACE-0001",
            "adult": "on",
            "website": "",
            "started": started_token(time.time() - 30),
        }
        try:
            barrier.wait()
            response = client.post("/signup/", data)
            outcomes.append(str(response.status_code))
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert sorted(outcomes) == ["302"] + ["400"] * 9
        winners = list(Account.objects.filter(slug__startswith="race-company-"))
        assert len(winners) == 1
        assert LifetimeCode.objects.get(code="RACE-0001").account == winners[0]
        assert [n for n in range(10) if schema_exists(f"acct_race_company_{n}")] == [int(winners[0].slug[-1])]
    finally:
        for account in Account.objects.filter(slug__startswith="race-company-"):
            LifetimeCode.objects.filter(account=account).update(account=None)
            account._drop_schema(force_drop=True)
            # should the flush not run, the row no longer points at a schema to migrate
            Account.objects.filter(pk=account.pk).update(status=AccountStatus.CLOSED, deleted_at=datetime.now(CPH))
        LifetimeCode.objects.filter(batch__name="Race").delete()
        LifetimeCodeBatch.objects.filter(name="Race").delete()
