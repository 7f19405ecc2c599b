import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from config.jobs import all_jobs

TASK_PREFIX = "kontoportal:"


class Command(BaseCommand):
    help = "Declare every job's beat schedule (django-celery-beat, public schema) from the code. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        declared = []
        for job in all_jobs().values():
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=job.crontab.get("minute", "*"),
                hour=job.crontab.get("hour", "*"),
                day_of_month=job.crontab.get("day_of_month", "*"),
                month_of_year=job.crontab.get("month_of_year", "*"),
                day_of_week=job.crontab.get("day_of_week", "*"),
                timezone=settings.TIME_ZONE,
            )
            task, created = PeriodicTask.objects.update_or_create(
                name=TASK_PREFIX + job.name,
                defaults={
                    "task": "accounts.run_job",
                    "crontab": crontab,
                    "interval": None,
                    "kwargs": json.dumps({"name": job.name}),
                    "description": job.description,
                    "enabled": True,
                },
            )
            declared.append(task.name)
            if options["verbosity"] >= 1:
                self.stdout.write(f"{'created' if created else 'updated'} {task.name} ({crontab})")
        # A job removed from the code stops being scheduled.
        stale = PeriodicTask.objects.filter(name__startswith=TASK_PREFIX).exclude(name__in=declared)
        for task in stale:
            task.enabled = False
            task.save(update_fields=["enabled"])
            self.stdout.write(f"disabled {task.name}")
