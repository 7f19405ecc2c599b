"""BIL-13: deliveries agreed by e-mail, billed as one-off lines of the account's next invoice."""

from datetime import date
from decimal import Decimal

from django.db import transaction

from accounts.models import Account
from billing.models import CustomDelivery
from billing.services.common import billing_audit
from config.clock import now
from core.memo import memoised


@memoised(key=lambda account, currency: (account.pk, currency))
def unbilled_deliveries(account: Account, currency: str) -> list[CustomDelivery]:
    """The account's deliveries not yet on an invoice, locked until the invoicing transaction ends."""
    return list(
        CustomDelivery.objects.select_for_update().filter(account=account, currency=currency, invoice__isnull=True)
    )


@transaction.atomic
def custom_delivery_record(
    *, account: Account, description: str, price: Decimal, agreed_on: date, actor: str, currency: str = "EUR"
) -> CustomDelivery:
    """Staff record a delivery agreed by e-mail; `invoice_draft_create` bills it as a one-off line."""
    delivery = CustomDelivery(
        account=account,
        description=description,
        price=Decimal(price),
        currency=currency,
        agreed_on=agreed_on,
        recorded_by=actor,
        recorded_at=now(),
    )
    delivery.full_clean()
    delivery.save()
    billing_audit(
        account=account,
        actor=actor,
        action="custom_delivery_recorded",
        description=description,
        price=str(delivery.price),
        currency=currency,
        agreed_on=agreed_on.isoformat(),
    )
    return delivery
