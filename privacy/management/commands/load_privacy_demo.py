from typing import Any

from django.core.management.base import BaseCommand

from privacy.demo import processing_records_ensure


class Command(BaseCommand):
    help = "Load the demo processing records (the Art. 30 register behind /data-processing/, GDPR-1). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        created = processing_records_ensure()
        self.stdout.write(f"processing records: {created} created")
