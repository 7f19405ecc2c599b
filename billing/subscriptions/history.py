"""The subscription engine's payments in Min konto's billing list (billing.history): what was
charged or refunded, when, how, and how it went. Registered on billing's hook at start-up."""

from django.utils.translation import gettext as _

from accounts.models import Account
from billing.history import HistoryRow, payment_rows
from billing.payment_texts import day_text, paid_status, refunded_status
from billing.subscriptions.choices import ChargeKind, ChargeStatus
from billing.subscriptions.models import Charge
from billing.subscriptions.services.charges import payment_snapshot
from config.clock import seller_date

SHOWN = (ChargeStatus.PAID, ChargeStatus.FAILED, ChargeStatus.REFUNDED)


def _status(charge: Charge) -> tuple[str, str]:
    payment = payment_snapshot(charge.payment_method)
    day = seller_date(charge.paid_at or charge.created_at)
    if charge.status == ChargeStatus.REFUNDED:
        return refunded_status(day=day, payment=payment), "refunded"
    if charge.status == ChargeStatus.PAID:
        return paid_status(day=day, payment=payment), "paid"
    if charge.kind == ChargeKind.REFUND:
        return _("Refund failed; we will contact you"), "failed"
    if charge.next_retry_at:
        return _("Declined – tried again on %(date)s") % {"date": day_text(seller_date(charge.next_retry_at))}, "failed"
    return _("Declined"), "failed"


@payment_rows.register
def charge_rows(account: Account) -> list[HistoryRow]:
    rows = []
    charges = Charge.objects.filter(account=account, status__in=SHOWN).select_related("payment_method")
    for charge in charges.order_by("-created_at", "-id"):
        status, state = _status(charge)
        refund = charge.kind == ChargeKind.REFUND
        rows.append(
            HistoryRow(
                when=charge.paid_at or charge.created_at,
                kind="payment",
                label=_("Refund") if refund else _("Payment – %(kind)s") % {"kind": charge.get_kind_display()},
                number=charge.invoice_number,
                amount=-charge.amount if refund else charge.amount,
                currency=charge.currency,
                status=status,
                state=state,
            )
        )
    return rows
