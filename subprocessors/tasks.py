"""Celery tasks of the registry (sent from services after commit, by name)."""

from celery import shared_task

from subprocessors.services import SEND_NOTICES_TASK, notices_send


@shared_task(name=SEND_NOTICES_TASK)
def send_notices() -> int:
    return notices_send()
