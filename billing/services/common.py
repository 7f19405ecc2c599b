"""What every billing service shares: the refusal it raises, the system actor and the audit write."""

import json
from typing import Any

from accounts.lifecycle import audit
from accounts.models import Account
from billing.models import Document
from core.models import AuditDomain

SYSTEM = "system"


class BillingError(Exception):
    """A refused billing action; the message is translated for whoever reads it."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def billing_audit(*, account: Account, actor: str, action: str, document: Document | None = None, **data: Any) -> None:
    """Write the audit row with the one audit writer, inside the transaction making the change."""
    if document is not None:
        data = {"document_id": document.pk, "number": document.number, "kind": document.kind, **data}
    audit(
        account=account,
        actor=actor or SYSTEM,
        action=action,
        data=json.loads(json.dumps(data, default=str)),
        domain=AuditDomain.BILLING,
    )
