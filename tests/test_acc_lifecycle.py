"""The account state machine and its scheduled jobs (ACC-5, ACC-6, ACC-7, ACC-12)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django_tenants.utils import schema_exists

from accounts.lifecycle import (
    TRANSITIONS,
    IllegalTransition,
    LifecycleError,
    account_activate,
    account_cancel,
    account_close,
    account_reactivate,
    account_suspend,
    transition,
)
from accounts.models import AccountStatus, MailLog
from core.models import AuditEvent
from tests.acc_helpers import actions, client_for, ensure_free_mail, make_account, reload, run_jobs

CPH = ZoneInfo("Europe/Copenhagen")
S = AccountStatus
LIFECYCLE_JOBS = ("trial_expiry", "reactivation_expiry", "suspension_expiry", "purge_cancelled")
T0 = datetime(2027, 3, 1, 10, 0, tzinfo=CPH)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trial(accounts_ready):
    with time_machine.travel(T0, tick=False):
        return make_account("lifecycle", trial_ends_at=T0 + timedelta(days=7))


def test_acc_state_machine_every_illegal_transition_raises_and_changes_nothing(trial):
    for before, allowed in TRANSITIONS.items():
        for after in S.values:
            if after in allowed:
                continue
            trial.status = before
            trial.save(update_fields=["status"])
            with pytest.raises(IllegalTransition), transaction.atomic():
                transition(account=trial, to=after, actor="system", reason="test")
            assert reload(trial).status == before


def test_acc_state_machine_each_transition_is_audited_with_actor_reason_before_after(trial):
    account_suspend(account=trial, actor="staff@kontoportal.test", reason="Breach of terms: spam")
    event = AuditEvent.objects.filter(account_id=trial.pk, action="status:suspended").get()
    assert (event.actor_label, event.reason, event.before, event.after) == (
        "staff@kontoportal.test",
        "Breach of terms: spam",
        "trial",
        "suspended",
    )


def test_acc_audit_log_is_append_only(trial):
    account_suspend(account=trial, actor="system", reason="test")
    event = AuditEvent.objects.filter(account_id=trial.pk).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_acc5_trial_suspended_at_exactly_its_end_not_a_minute_before(trial):
    run_jobs("trial_expiry", at=T0 + timedelta(days=7) - timedelta(minutes=1))
    assert reload(trial).status == S.TRIAL
    run_jobs("trial_expiry", at=T0 + timedelta(days=7))
    account = reload(trial)
    assert account.status == S.SUSPENDED and account.suspended_at == T0 + timedelta(days=7)


def test_acc5_trial_expiry_is_idempotent_and_dry_run_changes_nothing(trial, mailoutbox):
    output = run_jobs("trial_expiry", at=T0 + timedelta(days=8), dry_run=True)
    assert "lifecycle: suspended" in output and reload(trial).status == S.TRIAL
    run_jobs("trial_expiry", at=T0 + timedelta(days=8))
    again = run_jobs("trial_expiry", at=T0 + timedelta(days=8, hours=1))
    assert "nothing to do" in again
    assert actions(trial).count("status:suspended") == 1


def test_acc5_suspended_account_sees_only_the_explanation_page(trial):
    account_suspend(account=trial, actor="system", reason="Trial ended")
    client = client_for(trial)
    response = client.get("/min-konto/users/")
    assert response.status_code == 403
    assert "suspenderet" in response.content.decode()
    assert client.get("/healthz").status_code in {200, 503}
    assert client.get("/min-konto/login/").status_code == 200


def test_acc5_trial_reminders_3_days_and_1_day_before_the_end_once_each(trial, django_capture_on_commit_callbacks):
    end = T0 + timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        run_jobs("trial_reminders", at=end - timedelta(days=4))
        assert not MailLog.objects.filter(account=trial).exclude(template="account_signup").exists()
        run_jobs("trial_reminders", at=end - timedelta(days=3))
        run_jobs("trial_reminders", at=end - timedelta(days=2, hours=12))
        run_jobs("trial_reminders", at=end - timedelta(days=1))
        run_jobs("trial_reminders", at=end - timedelta(hours=2))
    templates = list(
        MailLog.objects.filter(account=trial, template__startswith="trial_").values_list("template", flat=True)
    )
    assert sorted(templates) == ["trial_reminder_1", "trial_reminder_3"]


def test_acc6_reactivation_allowed_on_day_29_for_two_days(trial):
    with time_machine.travel(T0, tick=False):
        account_suspend(account=trial, actor="system", reason="Trial ended")
    with time_machine.travel(T0 + timedelta(days=29), tick=False):
        account_reactivate(account=trial, actor="staff@kontoportal.test", reason="Customer asked")
    account = reload(trial)
    assert account.status == S.REACTIVATED
    assert account.reactivated_until == T0 + timedelta(days=31)


def test_acc6_reactivation_refused_after_30_days(trial):
    with time_machine.travel(T0, tick=False):
        account_suspend(account=trial, actor="system", reason="Trial ended")
    # 1 March + 30 days = 31 March, on the local calendar (summer time starts on 28 March)
    with time_machine.travel(T0 + timedelta(days=30), tick=False):
        account_reactivate(account=reload(trial), actor="staff@kontoportal.test", reason="Last minute")
        account_suspend(account=reload(trial), actor="system", reason="Not paid")
    with time_machine.travel(T0 + timedelta(days=30, minutes=1), tick=False), pytest.raises(LifecycleError) as refused:
        account_reactivate(account=reload(trial), actor="staff@kontoportal.test", reason="Too late")
    assert "30" in str(refused.value.message)
    assert actions(trial)[-1] == "reactivation_refused"
    assert reload(trial).status == S.SUSPENDED


def test_acc6_temporary_access_ends_after_2_days_and_window_is_not_restarted(trial):
    with time_machine.travel(T0, tick=False):
        account_suspend(account=trial, actor="system", reason="Trial ended")
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        account_reactivate(account=trial, actor="staff@kontoportal.test", reason="Asked")
    run_jobs("reactivation_expiry", at=T0 + timedelta(days=12) - timedelta(minutes=1))
    assert reload(trial).status == S.REACTIVATED
    run_jobs("reactivation_expiry", at=T0 + timedelta(days=12))
    account = reload(trial)
    assert account.status == S.SUSPENDED and account.suspended_at == T0


def test_acc6_billing_added_during_temporary_access_makes_the_account_active(trial):
    account_suspend(account=trial, actor="system", reason="Trial ended")
    account_reactivate(account=trial, actor="staff@kontoportal.test", reason="Asked")
    account_activate(account=trial, actor="billing", reason="Billing details added", plan_name="Team")
    account = reload(trial)
    assert (account.status, account.suspended_at, account.reactivated_until) == (S.ACTIVE, None, None)


def test_acc7_closed_30_days_after_suspension_and_its_schema_dropped(trial):
    with time_machine.travel(T0, tick=False):
        account_suspend(account=trial, actor="system", reason="Trial ended")
    run_jobs("suspension_expiry", at=T0 + timedelta(days=30) - timedelta(minutes=1))
    assert reload(trial).status == S.SUSPENDED and schema_exists(trial.schema_name)
    run_jobs("suspension_expiry", at=T0 + timedelta(days=30))
    account = reload(trial)
    assert account.status == S.CLOSED and account.deleted_at is not None
    assert not schema_exists(trial.schema_name)
    # no access, ever: the host explains, and the state machine refuses every way back
    assert client_for(account).get("/min-konto/").status_code == 403
    with pytest.raises(IllegalTransition):
        account_reactivate(account=account, actor="staff@kontoportal.test", reason="Please")


def test_acc12_staff_suspends_for_breach_with_reason_and_the_owner_is_told(
    trial, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        account_suspend(account=trial, actor="staff@kontoportal.test", reason="Sending spam through the helpdesk")
    mail = MailLog.objects.get(account=trial, template="account_suspended")
    assert "Sending spam" in mail.body and mail.recipient == "owner@lifecycle.example"
    assert mailoutbox[-1].to == ["owner@lifecycle.example"]


def test_acc12_staff_terminates_for_breach_closes_and_deletes(trial):
    account_close(account=trial, actor="staff@kontoportal.test", reason="Repeated breach")
    account = reload(trial)
    assert account.status == S.CLOSED and not schema_exists(account.schema_name)
    assert actions(account)[-2:] == ["status:closed", "data_deleted"]


def test_acc10_cancelled_account_is_purged_by_the_nightly_job_and_the_row_kept(trial):
    account_cancel(account=trial, actor="owner@lifecycle.example", reason="Stop konto")
    assert schema_exists(trial.schema_name)
    run_jobs("purge_cancelled", at=T0 + timedelta(days=1))
    account = reload(trial)
    assert account.status == S.CANCELLED and account.deleted_at is not None
    assert not schema_exists(account.schema_name)
    assert "nothing to do" in run_jobs("purge_cancelled", at=T0 + timedelta(days=2))


def test_acc_full_life_freemail_signup_suspended_reactivated_suspended_closed(accounts_ready, settings):
    """Sign-up with a free-mail address → day 7 suspended → day 20 reactivated → day 22
    suspended again → day 50 closed, schema gone, public records kept."""
    from accounts.signup import account_signup

    day = lambda n: T0 + timedelta(days=n)  # noqa: E731
    ensure_free_mail("gmail.com")
    with time_machine.travel(day(0), tick=False):
        account = account_signup(
            full_name="Frida Fri", email="frida@gmail.com", company="Fri Mail Test", region="EU", language="da"
        ).account
    assert account.trial_ends_at == day(7)

    run_jobs(*LIFECYCLE_JOBS, at=day(6))
    assert reload(account).status == S.TRIAL
    run_jobs(*LIFECYCLE_JOBS, at=day(7))
    assert reload(account).status == S.SUSPENDED

    with time_machine.travel(day(20), tick=False):
        account_reactivate(account=reload(account), actor="staff@kontoportal.test", reason="Customer wrote to support")
    assert reload(account).status == S.REACTIVATED
    run_jobs(*LIFECYCLE_JOBS, at=day(21))
    assert reload(account).status == S.REACTIVATED
    run_jobs(*LIFECYCLE_JOBS, at=day(22))
    assert reload(account).status == S.SUSPENDED

    run_jobs(*LIFECYCLE_JOBS, at=day(36))
    assert reload(account).status == S.SUSPENDED and schema_exists(account.schema_name)
    run_jobs(*LIFECYCLE_JOBS, at=day(50))
    closed = reload(account)
    assert closed.status == S.CLOSED and closed.deleted_at == day(50)
    assert not schema_exists(account.schema_name)
    # what the law keeps survives in the public schema
    assert actions(closed) == [
        "created",
        "status:suspended",
        "status:reactivated",
        "status:suspended",
        "status:closed",
        "data_deleted",
    ]
    assert MailLog.objects.filter(account=closed, template="account_signup").exists()
    assert MailLog.objects.filter(account=closed, template="account_closed").exists()


def test_acc12_staff_warn_the_owner_before_acting_on_a_breach(trial, django_capture_on_commit_callbacks, mailoutbox):
    from accounts.services import account_breach_warning

    with django_capture_on_commit_callbacks(execute=True):
        account_breach_warning(account=trial, actor="staff@kontoportal.test", reason="Bulk e-mails to strangers")
    assert mailoutbox[-1].to == ["owner@lifecycle.example"] and "Bulk e-mails to strangers" in mailoutbox[-1].body
    assert "vilkår" in mailoutbox[-1].subject
    assert actions(trial)[-1] == "breach_warning" and reload(trial).status == S.TRIAL
    with pytest.raises(LifecycleError):
        account_breach_warning(account=trial, actor="staff@kontoportal.test", reason=" ")


def test_acc4_billing_details_during_the_trial_end_it_at_once(trial):
    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        account_activate(
            account=trial, actor="owner@lifecycle.example", reason="Billing details added", plan_name="Team"
        )
    account = reload(trial)
    assert (account.status, account.plan_name, account.trial_ends_at) == (S.ACTIVE, "Team", None)
    # the trial jobs no longer touch it
    assert "nothing to do" in run_jobs("trial_expiry", at=T0 + timedelta(days=8))
