"""BIL-11: after an invoice's issue commits, a real Celery worker renders and stores its PDF."""

import hashlib
import time

import pytest
from django.core.files.storage import default_storage

from billing.models import Document
from billing.services.documents import invoice_issue
from billing.tests.conftest import seats
from tests.test_worker import celery_worker_process, worker_output  # noqa: F401 - the worker fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_bil11_pdf_is_rendered_by_a_worker_after_commit(celery_worker_process, accounts_ready, make_profile):  # noqa: F811
    account = accounts_ready[1]
    make_profile(account, country="NO")
    # committed: on_commit hands the task to the broker
    invoice = invoice_issue(account=account, lines=seats(), notify=False)
    deadline = time.monotonic() + 90
    document = Document.objects.get(pk=invoice.pk)
    while not document.pdf_sha256 and time.monotonic() < deadline:
        time.sleep(0.5)
        document = Document.objects.get(pk=invoice.pk)
    assert document.pdf_sha256, f"the worker did not render the PDF; it said:\n{worker_output(celery_worker_process)}"
    with default_storage.open(document.pdf_file, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == document.pdf_sha256
