"""The ACC-11 inactivity job over 1,000 accounts. Prints the figures; not part of the test run.

1,000 customer accounts: 850 active recently or paying (skipped in SQL or by the paid hook),
100 idle for 4+ weeks (warned) and 50 idle for 8+ weeks and already warned (closed and deleted).
The job reads only the public rows (the last login is kept there for exactly this reason), so
most accounts are rows only. Scaled down for this shared 2-core machine: 6 of the warned and 4 of the
deleted accounts get a real schema (cloning one takes up to 5 s here under load), so their Owner look-up, mail
log and DROP SCHEMA are real; for the others the job finds no schema and skips those steps.
A second run shows the idempotent no-op cost.

    .venv/bin/python bench/bench_inactivity.py [N]
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("KONTO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from accounts.jobs import inactivity  # noqa: E402
from accounts.models import Account, AccountKind, AccountStatus, Domain, MailLog  # noqa: E402
from accounts.services import account_create, template_schema_ensure  # noqa: E402
from config.clock import frozen_at, now  # noqa: E402

PREFIX = "bench-idle-"


def cleanup() -> None:
    connection.set_schema_to_public()
    for account in Account.all_objects.filter(slug__startswith=PREFIX):
        if account.deleted_at is None:
            account._drop_schema(force_drop=True)
    Domain.objects.filter(tenant__slug__startswith=PREFIX).delete()
    MailLog.objects.filter(account__slug__startswith=PREFIX).update(account=None)
    Account.all_objects.filter(slug__startswith=PREFIX)._raw_delete(connection.alias)


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    warn_n, delete_n = total // 10, total // 20
    real_warn, real_delete = min(6, warn_n), min(4, delete_n)
    rows_n = total - real_warn - real_delete
    at = now()
    template_schema_ensure()
    cleanup()
    setup_started = time.perf_counter()
    rows_warn, rows_delete = warn_n - real_warn, delete_n - real_delete

    def idle_fields(i: int) -> dict:
        if i < rows_warn:
            return {"status": AccountStatus.TRIAL, "last_login_at": at - timedelta(weeks=5)}
        if i < rows_warn + rows_delete:
            return {
                "status": AccountStatus.TRIAL,
                "last_login_at": at - timedelta(weeks=9),
                "inactivity_warned_at": at - timedelta(weeks=4),
            }
        # the rest: recently active trials, or paying accounts idle for months (never touched)
        paying = i % 6 == 0
        return {
            "status": AccountStatus.ACTIVE if paying else AccountStatus.TRIAL,
            "plan_name": "Team" if paying else "",
            "last_login_at": at - timedelta(weeks=12) if paying else at - timedelta(days=i % 20),
        }

    Account.objects.bulk_create(
        [
            Account(
                schema_name=f"acct_bench_idle_row_{i}",
                name=f"Bench idle row {i}",
                slug=f"{PREFIX}row-{i}",
                kind=AccountKind.CUSTOMER,
                **idle_fields(i),
            )
            for i in range(rows_n)
        ]
    )
    for i in range(real_warn + real_delete):
        account = account_create(
            name=f"Bench idle {i}",
            slug=f"{PREFIX}{i}",
            owner_email=f"owner{i}@bench-idle.example",
            owner_name="Idle Owner",
        )
        if i < real_warn:
            fields = {"last_login_at": at - timedelta(weeks=5)}
        else:
            fields = {"last_login_at": at - timedelta(weeks=9), "inactivity_warned_at": at - timedelta(weeks=4)}
        Account.objects.filter(pk=account.pk).update(**fields)
    # created long ago: a new account counts as active since its creation
    Account.objects.filter(slug__startswith=PREFIX).update(created_at=at - timedelta(weeks=20))
    setup = time.perf_counter() - setup_started
    print(f"setup done in {setup:.0f} s", file=sys.stderr)

    with frozen_at(at):
        started = time.perf_counter()
        with transaction.atomic():
            report = inactivity(at=at, dry_run=False)
        first = time.perf_counter() - started
        started = time.perf_counter()
        with transaction.atomic():
            again = inactivity(at=at, dry_run=False)
        second = time.perf_counter() - started
    ours = {key: value for key, value in report.counts.items()}
    cleanup()
    print(f"inactivity job over {total} accounts (setup {setup:.0f} s, not counted):")
    print(
        f"  first run:  {first:.2f} s — {ours} (expected warned={warn_n}, deleted={delete_n}, plus any other accounts)"
    )
    print(f"  second run: {second:.2f} s — {again.counts or 'nothing to do'} (idempotent)")


if __name__ == "__main__":
    main()
