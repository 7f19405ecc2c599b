"""Delivering an issued document's e-invoice (BIL-14).

Once the PDF is stored, each document gets one `Delivery` with its own idempotency key:
- its XML failed validation → "held": nothing is sent, staff see the rule ids in the admin;
- a Slovak business buyer → always through the Peppol provider (Slovak rules from 2027-01-01);
- another buyer with a Peppol participant id the provider can reach → through the provider;
- anyone else → e-mail only.
The buyer always also gets the e-mail (sent at issue by billing, linking to Min konto, where the
hybrid PDF is).

A send happens outside any lock: the provider's idempotency key makes a second send of the same
document the same message, so a retry after an outage can never deliver twice. A provider that is
down leaves the delivery queued with the next attempt backed off exponentially (the task retries,
the job `einvoicing_deliveries` is the backstop). A rejection is final and alerts staff (the
admin's list of rejected deliveries and banner, the audit trail).
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from billing.models import Document
from config.clock import now
from core import audit
from core.models import AuditDomain
from core.transitions import transition
from einvoicing.archive import archived_xml, einvoice_ensure
from einvoicing.models import Channel, Delivery, DeliveryStatus, EInvoice
from einvoicing.providers import DELIVERED, REJECTED, PeppolRejected, PeppolUnavailable, peppol_provider
from einvoicing.semantic import semantic_model

log = logging.getLogger(__name__)

ACTOR = "job:einvoicing_delivery"
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
# The electronic address scheme of an e-mail address: not a Peppol participant.
EMAIL_SCHEME = "EM"


def idempotency_key(document: Document) -> str:
    return f"kontoportal-{document.kind}-{document.number}"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the n-th failed attempt, at most 6 hours."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


@dataclass(frozen=True)
class Route:
    sender_id: str  # "scheme:id"
    receiver_id: str  # "" when the buyer has no Peppol participant id (a consumer)
    slovak_business: bool  # the Slovak rules apply: through the provider, always


def _participant(scheme: str, identifier: str) -> str:
    return f"{scheme}:{identifier}" if scheme and identifier and scheme != EMAIL_SCHEME else ""


def route(document: Document) -> Route:
    """Who sends to whom, read from the document's semantic model (the XML's endpoints BT-34/BT-49)."""
    model = semantic_model(document)
    configured = getattr(settings, "EINVOICING_PEPPOL_SENDER_ID", "")
    sender = configured or _participant(model.seller.endpoint_scheme, model.seller.endpoint_id)
    receiver = _participant(model.buyer.endpoint_scheme, model.buyer.endpoint_id)
    return Route(sender, receiver, model.slovak_rules)


def _audit(delivery: Delivery, *, before: str, after: str, reason: str = "") -> None:
    audit.record(
        domain=AuditDomain.BILLING,
        action=f"einvoice_delivery:{after}",
        actor=ACTOR,
        subject=delivery.document,
        account=delivery.document.account_id,
        before=before,
        after=after,
        reason=reason[:500],
        params={"channel": delivery.channel, "message_id": delivery.message_id},
    )


def _move(delivery: Delivery, *, to: str, reason: str = "", **changes: object) -> Delivery:
    before = delivery.status
    with transaction.atomic():
        transition(delivery, to=to, actor=ACTOR, reason=reason, updated_at=now(), **changes)
        if reason:  # transition() hands its reason to the reactions; the delivery keeps it too
            Delivery.objects.filter(pk=delivery.pk).update(reason=reason)
            delivery.reason = reason
        _audit(delivery, before=before, after=to, reason=reason)
    return delivery


def delivery_plan(*, document_id: int) -> Delivery:
    """The document's one delivery, created on first call (queued, or held when its XML is invalid)."""
    existing = Delivery.objects.filter(document_id=document_id).first()
    if existing is not None:
        return existing
    document = Document.objects.get(pk=document_id)
    einvoice = einvoice_ensure(document)  # built with the PDF already; built here if it was not
    way = route(document) if einvoice.is_valid else Route("", "", False)
    channel = Channel.PEPPOL if way.slovak_business or way.receiver_id else Channel.EMAIL
    moment = now()
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                document=document,
                idempotency_key=idempotency_key(document),
                channel=channel,
                sender_id=way.sender_id if channel == Channel.PEPPOL else "",
                receiver_id=way.receiver_id,
                next_attempt_at=moment,
                created_at=moment,
                updated_at=moment,
            )
    except IntegrityError:  # planned at the same moment by another worker
        return Delivery.objects.get(document_id=document_id)
    if not einvoice.is_valid:
        rules = ", ".join(sorted({f["rule_id"] for f in einvoice.fatal_findings}))
        _move(delivery, to=DeliveryStatus.HELD, reason=rules, next_attempt_at=None)
    return delivery


def _peppol_send(delivery: Delivery, einvoice: EInvoice) -> Delivery:
    provider = peppol_provider()
    if not route(delivery.document).slovak_business and not provider.lookup(delivery.receiver_id):
        # Not on Peppol after all: the e-mail (sent at issue) is the delivery.
        return _move(delivery, to=DeliveryStatus.SENT, channel=Channel.EMAIL, next_attempt_at=None)
    message_id = provider.send(
        document_xml=archived_xml(einvoice, "ubl"),
        sender_id=delivery.sender_id,
        receiver_id=delivery.receiver_id,
        idempotency_key=delivery.idempotency_key,
    )
    return _move(delivery, to=DeliveryStatus.SENT, message_id=message_id, next_attempt_at=now())


def delivery_attempt(*, delivery_id: int) -> Delivery:
    """Send a queued delivery, or ask after a sent one. Safe to run twice, and after a crash."""
    delivery = Delivery.objects.select_related("document").get(pk=delivery_id)
    try:
        if delivery.status == DeliveryStatus.QUEUED:
            if delivery.channel == Channel.EMAIL:
                return _move(delivery, to=DeliveryStatus.SENT, next_attempt_at=None)
            delivery = _peppol_send(delivery, einvoice_ensure(delivery.document))
        if delivery.status == DeliveryStatus.SENT and delivery.message_id:
            return delivery_poll(delivery)
    except PeppolRejected as exc:
        return _move(delivery, to=DeliveryStatus.REJECTED, reason=exc.reason, next_attempt_at=None)
    except PeppolUnavailable as exc:
        attempts = delivery.attempts + 1
        Delivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts, next_attempt_at=now() + backoff(attempts), last_error=str(exc)[:500], updated_at=now()
        )
        log.warning("Peppol provider unavailable for %s (attempt %s): %s", delivery.document, attempts, exc)
        raise
    return delivery


def delivery_poll(delivery: Delivery) -> Delivery:
    """Ask the provider what became of a sent message: delivered, rejected (bounced) or pending."""
    state = peppol_provider().status(delivery.message_id)
    if state.status == DELIVERED:
        return _move(delivery, to=DeliveryStatus.DELIVERED, next_attempt_at=None)
    if state.status == REJECTED:
        return _move(delivery, to=DeliveryStatus.REJECTED, reason=state.reason, next_attempt_at=None)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now() + BACKOFF_FIRST, updated_at=now())
    return delivery


def deliveries_due() -> list[int]:
    """Deliveries waiting for a send or an answer whose next attempt has come."""
    return list(
        Delivery.objects.filter(
            status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENT], next_attempt_at__lte=now()
        ).values_list("pk", flat=True)
    )
