"""Celery app. Tasks sent from inside an account's schema run in that schema
(tenant-schemas-celery); per-account jobs are fanned out from the public schema."""

import os

from celery import signals
from django.core.exceptions import ImproperlyConfigured
from tenant_schemas_celery.app import CeleryApp

from config.checks import secret_key_refuse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("kontoportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_builtin_secret_key(**kwargs: object) -> None:
    """A worker or beat with the public built-in SECRET_KEY outside DEBUG does not start. SystemExit,
    because Celery logs and swallows ordinary exceptions raised by signal handlers."""
    try:
        secret_key_refuse()
    except ImproperlyConfigured as error:
        raise SystemExit(f"Kontoportal: {error}") from None
