"""Refusals: what a subscription service says when it changes nothing.

A payment that fails keeps only its code (`Charge.failure_code`, e.g. "card_declined"); the
sentence is rendered by whoever reads it — the page in the visitor's language, the e-mail in its
recipient's — never in the language of the job or the request that ran the payment.
"""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from billing.subscriptions.gateway import (
    DECLINED,
    EXPIRED,
    INSUFFICIENT_FUNDS,
    INVALID_CVC,
    INVALID_EXPIRY,
    INVALID_NUMBER,
)

# A new card the bank refused at its zero-amount check: nothing was saved.
CARD_NOT_SAVED = gettext_lazy(
    "Your bank declined the card when we checked it. The card was not saved, and your current payment method stays."
)

NO_PAYMENT_METHOD = "no_payment_method"
NO_BILLING_DETAILS = "no_billing_details"

DECLINE_MESSAGES = {
    DECLINED: gettext_lazy("The card was declined. Nothing was charged and nothing was changed."),
    INSUFFICIENT_FUNDS: gettext_lazy("The card has insufficient funds. Nothing was charged and nothing was changed."),
    EXPIRED: gettext_lazy("The card has expired. Please add a valid card."),
    INVALID_NUMBER: gettext_lazy("The card number is not valid. Please check it."),
    INVALID_CVC: gettext_lazy("The security code (CVC) must be 3 or 4 digits."),
    INVALID_EXPIRY: gettext_lazy("The expiry date is not valid."),
    NO_PAYMENT_METHOD: gettext_lazy("There is no payment method. Please add a card or PayPal."),
    NO_BILLING_DETAILS: gettext_lazy(
        "Billing details are missing: full name, e-mail, company, address and, where the law asks for it, "
        "the VAT number."
    ),
}


class SubscriptionError(Exception):
    """A refused action; `message` is translated for whoever reads it. Nothing was changed."""

    def __init__(self, message: Any, code: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


class PaymentDeclined(SubscriptionError):
    pass


class StalePreview(SubscriptionError):
    pass


def decline_message(code: str) -> Promise:
    """The sentence for a decline code, translated only when it is rendered (lazy): put it in a
    mail's context or a page and it speaks the reader's language."""
    return DECLINE_MESSAGES.get(code, DECLINE_MESSAGES[DECLINED])
