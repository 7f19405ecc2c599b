import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from config.clock import frozen_at, now
from config.jobs import Job, JobReport, all_jobs, run_for_account

log = logging.getLogger(__name__)


def parse_at(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--at: {value!r} is not an ISO 8601 date-time (e.g. 2026-12-01T06:00 or 2026-12-01T06:00+01:00). Nothing was run."
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class _DryRunRollback(Exception):
    def __init__(self, report: JobReport) -> None:
        super().__init__()
        self.report = report


class Command(BaseCommand):
    help = (
        "Run scheduled jobs now, in this process, as if the clock read --at: for catching up after "
        "downtime and for rehearsing a date. --dry-run reports what would change and changes nothing "
        "(the run is also rolled back, and no e-mail leaves). Each account commits on its own: a failing "
        "account is rolled back and reported, the others go on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help="job names (all jobs if none)")
        parser.add_argument("--at", help="ISO 8601 date-time the clock should read (default: now)")
        parser.add_argument("--dry-run", action="store_true", help="report only; change nothing")
        parser.add_argument("--list", action="store_true", help="list the jobs and their schedules")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = all_jobs()
        if options["list"]:
            for job in jobs.values():
                cron = " ".join(
                    job.crontab.get(k, "*") for k in ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
                )
                scope = "per account" if job.per_account else "public"
                self.stdout.write(f"{job.name:32} {cron:20} {scope:12} {job.description}")
            return
        unknown = [name for name in options["names"] if name not in jobs]
        if unknown:
            raise CommandError(f"Unknown job(s): {', '.join(unknown)}. Known: {', '.join(jobs)}. Nothing was run.")
        selected = [jobs[name] for name in options["names"]] or list(jobs.values())
        at = parse_at(options["at"]) if options["at"] else now()
        dry_run: bool = options["dry_run"]
        prefix = "[dry run] " if dry_run else ""
        self.failures: list[str] = []
        for job in selected:
            report = self._run(job, at, dry_run)
            counts = ", ".join(f"{key}={value}" for key, value in sorted(report.counts.items())) or "nothing to do"
            self.stdout.write(f"{prefix}{job.name} at {at.isoformat()}: {counts}")
            for change in report.changes:
                self.stdout.write(f"  {prefix}{change}")
        if self.failures:
            # Every other account and job has run and committed; the exit status tells cron.
            raise CommandError(f"Failed (rolled back, see the log): {', '.join(self.failures)}.")

    def _run(self, job: Job, at: datetime, dry_run: bool) -> JobReport:
        """Each account's run commits on its own (config.jobs.run_for_account), so one account's
        failure, or a crash near the end, loses nothing the others did. A public job manages its
        own transactions, like on the worker. A dry run rolls each part back."""
        report = JobReport()
        if job.per_account:
            for account in Account.objects.customers().order_by("id"):
                self._run_part(report, job, account.slug, dry_run, partial(run_for_account, job, account, at, dry_run))
        else:
            self._run_part(report, job, "public", dry_run, partial(_run_public, job, at, dry_run))
        return report

    def _run_part(self, report: JobReport, job: Job, where: str, dry_run: bool, run: Callable[[], JobReport]) -> None:
        try:
            if dry_run:
                with transaction.atomic():
                    # Belt and braces: whatever a job wrote by mistake is undone, and the
                    # mailer's on-commit deliveries never fire.
                    raise _DryRunRollback(run())
            report.merge(run())
        except _DryRunRollback as rollback:
            report.merge(rollback.report)
        except Exception as exc:  # noqa: BLE001 - one account's failure must not stop the others
            log.exception("Job %s failed in %s", job.name, where)
            report.add("failed", f"{where}: failed and rolled back: {type(exc).__name__}: {exc}")
            self.failures.append(f"{job.name} ({where})")


def _run_public(job: Job, at: datetime, dry_run: bool) -> JobReport:
    with frozen_at(at):
        return job.func(at=at, dry_run=dry_run)
