"""A charge names the invoice issued for it (BIL-6 receipts, Min konto's payments). When a BIL-8
re-issue replaces that invoice, the charge names the new one: the payment now stands behind it
(BIL-17). Registered on billing's hook, so billing never imports the subscription engine."""

from billing.models import Document
from billing.replacements import invoice_replaced
from billing.subscriptions.models import Charge
from billing.subscriptions.services.audit_and_mail import subscription_audit


@invoice_replaced.register
def charge_invoice_replace(*, old: Document, new: Document, actor: str) -> None:
    for charge in Charge.objects.select_for_update().filter(invoice_id=old.pk):
        Charge.objects.filter(pk=charge.pk).update(invoice_id=new.pk, invoice_number=new.number)
        subscription_audit(
            account=new.account,
            actor=actor,
            action="charge_invoice_replaced",
            charge=charge.pk,
            before=old.number,
            after=new.number,
        )
