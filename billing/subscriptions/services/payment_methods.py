"""BIL-7: a payment method is the processor's token; the card number and the CVC end here. A new
card is verified (a zero-amount authorisation) before it replaces the old method."""

from django.db import transaction

from accounts.models import Account
from billing.subscriptions.gateway import GatewayRefusal, TokenizedMethod, gateway_for
from billing.subscriptions.models import PaymentMethod
from billing.subscriptions.services.audit_and_mail import subscription_audit
from billing.subscriptions.services.refusals import CARD_NOT_SAVED, PaymentDeclined, decline_message
from config.clock import now


def payment_method_add_card(
    *, account: Account, number: str, exp_month: int, exp_year: int, cvc: str, actor: str
) -> PaymentMethod:
    """Hand the card to the processor and keep its token. The number and the CVC end here."""
    gateway, at = gateway_for(), now()
    try:
        method = gateway.tokenize_card(number=number, exp_month=exp_month, exp_year=exp_year, cvc=cvc, at=at)
    except GatewayRefusal as refusal:
        raise PaymentDeclined(decline_message(refusal.code), code=refusal.code) from None
    # BIL-7: a zero-amount authorisation before the card is saved, so a card the bank refuses is
    # refused now, with the old method still in place, not at the first charge.
    verified = gateway.verify(token=method.token, at=at)
    if not verified.succeeded:
        raise PaymentDeclined(CARD_NOT_SAVED, code=verified.code)
    return _payment_method_replace(account=account, method=method, actor=actor)


def payment_method_add_paypal(*, account: Account, email: str, actor: str) -> PaymentMethod:
    method = gateway_for().paypal_agreement(email=email, at=now())
    return _payment_method_replace(account=account, method=method, actor=actor)


@transaction.atomic
def _payment_method_replace(*, account: Account, method: TokenizedMethod, actor: str) -> PaymentMethod:
    at = now()
    old = PaymentMethod.objects.select_for_update().filter(account=account, is_current=True).first()
    if old is not None:
        old.is_current = False
        old.replaced_at = at
        old.save(update_fields=["is_current", "replaced_at"])
    new = PaymentMethod(
        account=account,
        kind=method.kind,
        gateway=gateway_for().name,
        token=method.token,
        brand=method.brand,
        last4=method.last4,
        exp_month=method.exp_month,
        exp_year=method.exp_year,
        payer_email=method.payer_email,
        is_current=True,
        created_at=at,
    )
    new.full_clean()
    new.save()
    subscription_audit(account=account, actor=actor, action="payment_method_changed", before=old or "", after=new)
    return new
