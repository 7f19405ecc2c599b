"""The Peppol access point interface (BIL-14) and the built-in sandbox access point.

A provider sends a UBL document from the seller's participant id to the buyer's, says whether a
participant can receive on Peppol (an SMP lookup), and reports a sent message's fate. Every send
carries the document's idempotency key: the same key sent twice is one message.

Settings: `KONTO_PEPPOL_PROVIDER` ("sandbox", the default, or the dotted path of a class
implementing `PeppolProvider` for an accredited access point), `KONTO_PEPPOL_URL` and
`KONTO_PEPPOL_API_KEY` (handed to that class). The sandbox reads `EINVOICING_PEPPOL_SANDBOX`:

    {"unreachable": ["0192:999999999"],          # lookup says no (default: all reachable)
     "reject": {"0088:5790000000000": "reason"},   # refused when sent, with the reason
     "bounce": {"0184:DK12345678": "reason"},      # accepted, then reported rejected
     "outage": False}                              # True: every call fails as unavailable
"""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from config.clock import now
from einvoicing.models import SandboxMessage

# What a sent message became.
PENDING, DELIVERED, REJECTED = "pending", "delivered", "rejected"


class PeppolUnavailable(Exception):
    """The access point cannot be reached or answered with a temporary error: try again later."""


class PeppolRejected(Exception):
    """The access point refused the document (invalid, unknown receiver…): final."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MessageState:
    status: str  # pending / delivered / rejected
    reason: str = ""


class PeppolProvider(Protocol):
    name: str

    def send(self, *, document_xml: bytes, sender_id: str, receiver_id: str, idempotency_key: str) -> str:
        """Send; the message id. Raises PeppolRejected or PeppolUnavailable."""
        ...

    def lookup(self, participant_id: str) -> bool:
        """Can this participant ("scheme:id") receive invoices on Peppol? Raises PeppolUnavailable."""
        ...

    def status(self, message_id: str) -> MessageState:
        """What became of a sent message. Raises PeppolUnavailable."""
        ...


def _sandbox_settings() -> dict:
    return getattr(settings, "EINVOICING_PEPPOL_SANDBOX", None) or {}


class SandboxProvider:
    """An access point that lives in this database, for development, tests and demos."""

    name = "sandbox"

    def _available(self) -> dict:
        behaviour = _sandbox_settings()
        if behaviour.get("outage"):
            raise PeppolUnavailable("sandbox access point: outage")
        return behaviour

    def lookup(self, participant_id: str) -> bool:
        behaviour = self._available()
        return bool(participant_id) and participant_id not in behaviour.get("unreachable", ())

    def send(self, *, document_xml: bytes, sender_id: str, receiver_id: str, idempotency_key: str) -> str:
        behaviour = self._available()
        existing = SandboxMessage.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:  # the same document again: the same message, not a second one
            return existing.message_id
        reason = behaviour.get("reject", {}).get(receiver_id)
        if reason is None and not self.lookup(receiver_id):
            reason = f"receiver {receiver_id or '(none)'} is not registered on Peppol"
        if reason:
            raise PeppolRejected(reason)
        bounce = behaviour.get("bounce", {}).get(receiver_id)
        try:
            with transaction.atomic():
                message = SandboxMessage.objects.create(
                    idempotency_key=idempotency_key,
                    message_id=f"sbx-{secrets.token_hex(12)}",
                    sender_id=sender_id,
                    receiver_id=receiver_id,
                    xml_sha256=_sha256(document_xml),
                    outcome=REJECTED if bounce else DELIVERED,
                    reason=bounce or "",
                    created_at=now(),
                )
        except IntegrityError:  # the same key sent at the same moment by another worker
            message = SandboxMessage.objects.get(idempotency_key=idempotency_key)
        return message.message_id

    def status(self, message_id: str) -> MessageState:
        self._available()
        message = SandboxMessage.objects.filter(message_id=message_id).first()
        if message is None:
            return MessageState(REJECTED, "unknown message")
        return MessageState(message.outcome, message.reason)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def peppol_provider() -> PeppolProvider:
    """The configured provider: the sandbox unless KONTO_PEPPOL_PROVIDER names another class."""
    name = getattr(settings, "EINVOICING_PEPPOL_PROVIDER", "sandbox") or "sandbox"
    if name == "sandbox":
        return SandboxProvider()
    return import_string(name)(
        url=getattr(settings, "EINVOICING_PEPPOL_URL", ""), api_key=getattr(settings, "EINVOICING_PEPPOL_API_KEY", "")
    )
