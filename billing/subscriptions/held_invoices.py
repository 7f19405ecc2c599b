"""BIL-16 and BIL-17: the invoice of a paid charge that waited for its exchange rate.

A card payment's invoice in another currency is held as a draft while the ECB rate of its tax
point is missing (billing.services.rates); the charge already points at that draft. When the
draft is finally issued, this reaction marks it paid with the charge's payment, and the charge
learns the invoice's number — billing never needs to know about charges.
"""

from billing.models import DocumentStatus, Invoice
from billing.services.status import document_mark_paid
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge
from billing.subscriptions.services.charges import payment_snapshot
from core.transitions import Change, reacts_to


@reacts_to(Invoice, to=DocumentStatus.ISSUED)
def _held_invoice_issued(change: Change) -> None:
    invoice = change.obj
    charge = Charge.objects.filter(invoice_id=invoice.pk, status=ChargeStatus.PAID).first()
    if charge is None:  # an ordinary issue: the charge is linked (and the invoice paid) by its caller
        return
    document_mark_paid(
        document=invoice,  # type: ignore[arg-type]
        actor=change.actor,
        paid_at=charge.paid_at,
        payment=payment_snapshot(charge.payment_method),
    )
    Charge.objects.filter(pk=charge.pk).update(invoice_number=invoice.number)  # type: ignore[attr-defined]
