from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from accounts.pool import pool_fill


class Command(BaseCommand):
    help = (
        "Rebuild the warm pool of account schemas after `migrate_schemas`: drop pooled schemas "
        "cloned before the last migration (a sign-up never gets one), re-install the clone "
        "function, and clone the template until ACCOUNT_POOL_SIZE schemas wait. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, help="Pool size (default: ACCOUNT_POOL_SIZE).")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = pool_fill(size=options["size"], reinstall=True)
        if options["verbosity"] >= 1:
            self.stdout.write(", ".join(f"{key}={value}" for key, value in counts.items()))
