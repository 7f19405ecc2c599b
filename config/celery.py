"""Celery app. Tasks sent from inside an account's schema run in that schema
(tenant-schemas-celery); per-account jobs are fanned out from the public schema."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("kontoportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
