"""Scheduled jobs: one registry, idempotent runs, `run_jobs --at` and `--dry-run`."""

import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask
from django_tenants.utils import tenant_context

from accounts.workspace.models import UsageSnapshot
from config import clock
from config.jobs import all_jobs

CPH = ZoneInfo("Europe/Copenhagen")


def run_jobs(*args: str) -> str:
    out = io.StringIO()
    call_command("run_jobs", *args, stdout=out)
    return out.getvalue()


def snapshots(account) -> list[tuple[date, int]]:
    with tenant_context(account):
        return list(UsageSnapshot.objects.order_by("day").values_list("day", "user_count"))


def test_run_jobs_at_runs_the_job_in_every_account_as_of_that_date(account_a, account_b):
    output = run_jobs("record_user_counts", "--at", "2027-03-01T02:10")
    assert "recorded=2" in output
    assert snapshots(account_a) == [(date(2027, 3, 1), 1)]
    assert snapshots(account_b) == [(date(2027, 3, 1), 1)]


def test_running_a_job_twice_changes_nothing_the_second_time(account_a, account_b):
    run_jobs("record_user_counts", "--at", "2027-03-01T02:10")
    with tenant_context(account_a):
        first = list(UsageSnapshot.objects.values("id", "taken_at"))
    output = run_jobs("record_user_counts", "--at", "2027-03-01T02:30")
    assert "recorded" not in output and "unchanged=2" in output
    with tenant_context(account_a):
        assert list(UsageSnapshot.objects.values("id", "taken_at")) == first


def test_dry_run_reports_and_changes_nothing(account_a, account_b, mailoutbox):
    output = run_jobs("--dry-run", "--at", "2027-03-01T02:10")
    assert "[dry run] record_user_counts" in output
    assert "alfa: 1 users on 2027-03-01" in output
    assert snapshots(account_a) == [] and snapshots(account_b) == []
    assert mailoutbox == []


@pytest.mark.parametrize("bad", ["tomorrow", "2027-13-01", "01/03/2027", "2027-02-30T10:00"])
def test_malformed_at_is_a_clear_error_and_nothing_runs(account_a, bad):
    with pytest.raises(CommandError, match="not an ISO 8601 date-time"):
        run_jobs("record_user_counts", "--at", bad)
    assert snapshots(account_a) == []


def test_unknown_job_name_is_refused_before_anything_runs(account_a):
    with pytest.raises(CommandError, match="Unknown job"):
        run_jobs("record_user_counts", "no_such_job")
    assert snapshots(account_a) == []


def test_clock_is_moved_by_time_machine_and_by_frozen_at():
    with time_machine.travel(datetime(2027, 1, 31, 23, 30, tzinfo=CPH), tick=False):
        assert clock.today() == date(2027, 1, 31)
        with clock.frozen_at(datetime(2027, 2, 1, 0, 30, tzinfo=CPH)):
            assert clock.today() == date(2027, 2, 1)
        assert clock.now() == datetime(2027, 1, 31, 23, 30, tzinfo=CPH)


def test_setup_periodic_tasks_declares_every_job_once_and_is_idempotent(accounts_ready):
    call_command("setup_periodic_tasks", stdout=io.StringIO())
    call_command("setup_periodic_tasks", stdout=io.StringIO())
    tasks = PeriodicTask.objects.filter(name__startswith="kontoportal:")
    assert sorted(t.name for t in tasks) == sorted(f"kontoportal:{name}" for name in all_jobs())
    task = tasks.get(name="kontoportal:record_user_counts")
    assert task.task == "accounts.run_job"
    assert json.loads(task.kwargs) == {"name": "record_user_counts"}
    assert (task.crontab.minute, task.crontab.hour) == ("10", "2")
