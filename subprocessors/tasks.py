"""Celery tasks of the registry (sent from services after commit)."""

from celery import shared_task


@shared_task(name="subprocessors.send_notices")
def send_notices() -> int:
    from subprocessors.services import notices_send

    return notices_send()
