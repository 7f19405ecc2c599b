"""BIL-14 end to end with a real Celery worker: a Slovak business invoice is issued and committed;
the worker renders its PDF/A-3 hybrid, archives the XML and delivers it through the sandbox
access point, once."""

import io
import time

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from billing.models import Document
from billing.services.documents import invoice_issue
from billing.tests.conftest import seats
from einvoicing.models import Delivery, DeliveryStatus, EInvoice, SandboxMessage
from einvoicing.tests.bil14_helpers import (
    SK_PARTICIPANT,
    seller_ready,  # noqa: F401 - a fixture
    slovak_business,
)
from tests.test_worker import celery_worker_process  # noqa: F401 - the worker fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_bil14_worker_renders_archives_and_delivers_a_slovak_invoice(celery_worker_process, seller_ready, account_a):  # noqa: F811
    slovak_business(account_a)
    invoice = invoice_issue(account=account_a, lines=seats(), notify=False)  # committed
    deadline = time.monotonic() + 120
    delivery = None
    while time.monotonic() < deadline:
        delivery = Delivery.objects.filter(document_id=invoice.pk).first()
        if delivery is not None and delivery.status == DeliveryStatus.DELIVERED:
            break
        time.sleep(0.5)
    assert delivery is not None and delivery.status == DeliveryStatus.DELIVERED, delivery
    assert delivery.receiver_id == SK_PARTICIPANT
    assert SandboxMessage.objects.filter(idempotency_key=delivery.idempotency_key).count() == 1
    document = Document.objects.get(pk=invoice.pk)
    with default_storage.open(document.pdf_file, "rb") as handle:
        attachments = PdfReader(io.BytesIO(handle.read())).attachments
    assert attachments["factur-x.xml"] == [EInvoice.objects.get(document=document).cii_xml.encode()]
