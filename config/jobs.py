"""The registry of scheduled jobs.

A job is declared once, with its crontab, in its app's `jobs.py`. From there:
- `setup_periodic_tasks` writes its beat schedule (django-celery-beat, public schema);
- beat sends `accounts.run_job`, which runs a public job or, for a per-account job, fans out one
  `accounts.run_account_job` task per customer account;
- `run_jobs` runs it on demand, as if the clock read `--at`, optionally as a dry run.

Job functions receive the moment they run for (`at`) and `dry_run`; they must be idempotent:
running one twice changes nothing the second time.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django_tenants.utils import tenant_context

from config.clock import frozen_at

if TYPE_CHECKING:
    from accounts.models import Account


@dataclass
class JobReport:
    """What a job did (or, in a dry run, would do)."""

    counts: dict[str, int] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)

    def add(self, key: str, description: str | None = None, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n
        if description:
            self.changes.append(description)

    def merge(self, other: "JobReport") -> None:
        for key, value in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        self.changes.extend(other.changes)

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "changes": self.changes}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "JobReport":
        return cls(counts=dict(data.get("counts", {})), changes=list(data.get("changes", [])))


PublicJob = Callable[..., JobReport]
AccountJob = Callable[..., JobReport]


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    # crontab fields for django-celery-beat, e.g. {"minute": "15", "hour": "3"}
    crontab: dict[str, str]
    func: Callable[..., JobReport]
    per_account: bool = False
    # A per-account job beat runs differently: the dotted path of `f(*, at) -> JobReport` that
    # sends only the work that is due (the billing run's batches) instead of one task per account.
    dispatch: str = ""


_registry: dict[str, Job] = {}
_discovered = False


def job(
    name: str, *, crontab: dict[str, str], per_account: bool = False, dispatch: str = ""
) -> Callable[[Callable[..., JobReport]], Callable[..., JobReport]]:
    """Register a job. A public job is called as `func(at=..., dry_run=...)`; a per-account job
    as `func(account=..., at=..., dry_run=...)` inside that account's schema."""

    def register(func: Callable[..., JobReport]) -> Callable[..., JobReport]:
        if name in _registry and _registry[name].func is not func:
            raise ValueError(f"Job {name!r} is registered twice.")
        description = (func.__doc__ or name).strip().splitlines()[0]
        _registry[name] = Job(
            name=name, description=description, crontab=crontab, func=func, per_account=per_account, dispatch=dispatch
        )
        return func

    return register


def all_jobs() -> dict[str, Job]:
    global _discovered
    if not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    return dict(sorted(_registry.items()))


def get_job(name: str) -> Job:
    jobs = all_jobs()
    if name not in jobs:
        raise KeyError(name)
    return jobs[name]


def run_for_account(job: Job, account: "Account", at: datetime, dry_run: bool) -> JobReport:
    """Run a per-account job in that account's schema, in a transaction of its own: what it
    locks (the invoice-number row) is released when this account is done, and a failure rolls
    back this account only."""
    with tenant_context(account), frozen_at(at), transaction.atomic():
        return job.func(account=account, at=at, dry_run=dry_run)
