from typing import Any

from django.core.management.base import BaseCommand

from billing.reference import demo_seller_ensure, vat_rates_load


class Command(BaseCommand):
    help = (
        "BIL-9/BIL-11: load the EU standard VAT rates (with their effective dates) and, when no seller "
        "profile exists, the demo seller. Idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = vat_rates_load()
        seller = demo_seller_ensure()
        self.stdout.write(f"VAT rates added: {created}; seller: {seller}")
