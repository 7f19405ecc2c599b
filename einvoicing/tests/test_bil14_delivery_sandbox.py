"""BIL-14 delivery through the built-in sandbox access point: a Slovak business invoice reaches
"delivered"; a rejection reaches staff; a retry after an outage never delivers twice; a document
whose XML fails validation is not sent and staff see the rule ids."""

from unittest import mock

import pytest
from django.test import override_settings

from billing.services.profiles import billing_profile_update
from config.clock import now
from core.models import AuditEvent
from einvoicing import archive
from einvoicing.delivery import delivery_attempt, delivery_plan
from einvoicing.jobs import deliveries
from einvoicing.models import Channel, Delivery, DeliveryStatus, EInvoice, SandboxMessage
from einvoicing.providers import PeppolUnavailable, SandboxProvider
from einvoicing.tests.bil14_helpers import (
    SK_PARTICIPANT,
    danish_business,
    issued_invoice,
    own_media,  # noqa: F401 - a fixture
    seller_ready,  # noqa: F401 - a fixture
    slovak_business,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seller_ready", "own_media")]


@pytest.fixture
def sk_invoice(account_a):  # type: ignore[no-untyped-def]
    slovak_business(account_a)
    return issued_invoice(account_a)


def test_bil14_slovak_business_invoice_is_delivered_through_the_sandbox(sk_invoice):
    assert EInvoice.objects.get(document=sk_invoice).is_valid
    delivery = delivery_plan(document_id=sk_invoice.pk)
    assert (delivery.channel, delivery.status, delivery.receiver_id) == (Channel.PEPPOL, "queued", SK_PARTICIPANT)

    delivery = delivery_attempt(delivery_id=delivery.pk)

    assert delivery.status == DeliveryStatus.DELIVERED
    message = SandboxMessage.objects.get()
    assert message.receiver_id == SK_PARTICIPANT
    assert message.message_id == Delivery.objects.get().message_id
    # the message carried the archived UBL, byte for byte
    assert message.xml_sha256 == EInvoice.objects.get(document=sk_invoice).ubl_sha256
    assert AuditEvent.objects.filter(action="einvoice_delivery:delivered", subject_id=str(sk_invoice.pk)).exists()


@override_settings(EINVOICING_PEPPOL_SANDBOX={"unreachable": [SK_PARTICIPANT]})
def test_bil14_slovak_business_goes_through_the_provider_even_when_the_lookup_says_no(sk_invoice):
    # Slovak rules: no e-mail-only fallback; the access point's refusal is what staff see.
    delivery = delivery_attempt(delivery_id=delivery_plan(document_id=sk_invoice.pk).pk)
    assert delivery.status == DeliveryStatus.REJECTED
    assert "not registered on Peppol" in delivery.reason


def test_bil14_rejection_reaches_staff(sk_invoice, public_client, staff_user):
    with override_settings(EINVOICING_PEPPOL_SANDBOX={"reject": {SK_PARTICIPANT: "Receiver mailbox closed"}}):
        delivery = delivery_attempt(delivery_id=delivery_plan(document_id=sk_invoice.pk).pk)
    assert (delivery.status, delivery.reason) == (DeliveryStatus.REJECTED, "Receiver mailbox closed")
    assert not SandboxMessage.objects.exists()

    public_client.force_login(staff_user)
    page = public_client.get("/admin/einvoicing/delivery/?status__exact=rejected", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert page.status_code == 200
    assert "1 e-invoice delivery was rejected" in text
    assert sk_invoice.number in text and "Receiver mailbox closed" in text
    event = AuditEvent.objects.get(action="einvoice_delivery:rejected")
    assert event.reason == "Receiver mailbox closed"
    # and in the staff console's queue of the day
    today = public_client.get("/admin/console/today/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{sk_invoice.number} · Rejected · Receiver mailbox closed" in today


def test_bil14_bounce_after_sending_is_a_rejection(sk_invoice):
    with override_settings(EINVOICING_PEPPOL_SANDBOX={"bounce": {SK_PARTICIPANT: "Document rejected by receiver"}}):
        delivery = delivery_attempt(delivery_id=delivery_plan(document_id=sk_invoice.pk).pk)
    assert (delivery.status, delivery.reason) == (DeliveryStatus.REJECTED, "Document rejected by receiver")


def test_bil14_retry_after_an_outage_does_not_deliver_twice(sk_invoice):
    delivery = delivery_plan(document_id=sk_invoice.pk)
    with override_settings(EINVOICING_PEPPOL_SANDBOX={"outage": True}):
        with pytest.raises(PeppolUnavailable):
            delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    assert delivery.next_attempt_at > delivery.updated_at  # backed off, not hammered
    # The access point took the message but its answer was lost (a timeout after acceptance).
    SandboxProvider().send(
        document_xml=archive.archived_xml(EInvoice.objects.get(document=sk_invoice), "ubl"),
        sender_id=delivery.sender_id,
        receiver_id=delivery.receiver_id,
        idempotency_key=delivery.idempotency_key,
    )
    # The retries (the task's, then the job's) send again with the same idempotency key.
    delivery_attempt(delivery_id=delivery.pk)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    deliveries(at=now(), dry_run=False)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert SandboxMessage.objects.count() == 1
    assert SandboxMessage.objects.get().message_id == delivery.message_id


def test_bil14_danish_buyer_with_a_peppol_id_is_delivered_by_peppol(account_a):
    danish_business(account_a)
    invoice = issued_invoice(account_a)
    delivery = delivery_attempt(delivery_id=delivery_plan(document_id=invoice.pk).pk)
    assert (delivery.channel, delivery.status, delivery.receiver_id) == (Channel.PEPPOL, "delivered", "0184:31415926")


def _broken_ubl(model):  # type: ignore[no-untyped-def]
    """The real UBL with its payable amount (BT-115) no longer what the totals add up to."""
    xml = archive_ubl(model)
    start = xml.index(b"<cbc:PayableAmount")
    end = xml.index(b"</cbc:PayableAmount>", start)
    opening = xml[start : xml.index(b">", start) + 1]
    return xml[:start] + opening + b"1.00" + xml[end:]


archive_ubl = archive.ubl_xml


def test_bil14_invalid_xml_is_not_delivered_and_staff_see_the_rule_ids(account_a, public_client, staff_user):
    slovak_business(account_a)
    with mock.patch("einvoicing.archive.ubl_xml", _broken_ubl):
        invoice = issued_invoice(account_a)
    einvoice = EInvoice.objects.get(document=invoice)
    rules = {f["rule_id"] for f in einvoice.fatal_findings}
    assert not einvoice.is_valid and "BR-CO-16" in rules, rules

    delivery = delivery_plan(document_id=invoice.pk)
    assert delivery.status == DeliveryStatus.HELD and "BR-CO-16" in delivery.reason
    delivery_attempt(delivery_id=delivery.pk)
    assert not SandboxMessage.objects.exists()

    public_client.force_login(staff_user)
    page = public_client.get("/admin/einvoicing/einvoice/?validation=invalid", HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "1 e-invoice failed validation and was not sent" in text
    assert invoice.number in text and "BR-CO-16" in text
    detail = public_client.get(f"/admin/einvoicing/einvoice/{einvoice.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert "BR-CO-16" in detail.content.decode()
    # and on the invoice's own admin page, with the way to the findings
    document_page = public_client.get(f"/admin/billing/invoice/{invoice.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    text = document_page.content.decode()
    assert "BR-CO-16" in text and f"/admin/einvoicing/einvoice/{einvoice.pk}/change/" in text


@override_settings(EINVOICING_PEPPOL_SANDBOX={"unreachable": ["0184:31415926"]})
def test_bil14_danish_buyer_not_on_peppol_gets_the_email_only(account_a):
    danish_business(account_a)
    invoice = issued_invoice(account_a)
    delivery = delivery_attempt(delivery_id=delivery_plan(document_id=invoice.pk).pk)
    assert (delivery.channel, delivery.status) == (Channel.EMAIL, DeliveryStatus.SENT)
    assert not SandboxMessage.objects.exists()


def test_bil14_consumer_gets_the_email_only(account_a):
    billing_profile_update(
        account=account_a,
        actor="test",
        data={
            "name": "Anne Alfa",
            "street": "Havnegade 1",
            "postcode": "1058",
            "city": "København K",
            "country": "DK",
            "email": "anne@alfa.example",
        },
    )
    invoice = issued_invoice(account_a)
    delivery = delivery_plan(document_id=invoice.pk)
    assert (delivery.channel, delivery.receiver_id) == (Channel.EMAIL, "")
    assert delivery_attempt(delivery_id=delivery.pk).status == DeliveryStatus.SENT
    assert not SandboxMessage.objects.exists()
