"""The allowed status moves of subscriptions, charges and prepaid credits, declared once for
`core.transitions.transition` (models.py is long enough already)."""

from billing.subscriptions.choices import ChargeStatus, PrepaidStatus, SubscriptionStatus
from billing.subscriptions.models import Charge, PrepaidCredit, Subscription
from core.transitions import declare

# Ended is final: it ends with the account (cancelled or closed accounts never come back).
declare(
    Subscription,
    {
        SubscriptionStatus.ACTIVE: {SubscriptionStatus.PAST_DUE, SubscriptionStatus.ENDED},
        SubscriptionStatus.PAST_DUE: {SubscriptionStatus.ACTIVE, SubscriptionStatus.ENDED},
        SubscriptionStatus.ENDED: set(),
    },
)

# A failed renewal that fails again stays failed (its retry fields change, not its status).
# Abandoned means nothing is owed any more: never charged again.
declare(
    Charge,
    {
        ChargeStatus.PENDING: {ChargeStatus.PAID, ChargeStatus.FAILED, ChargeStatus.ABANDONED},
        ChargeStatus.FAILED: {ChargeStatus.PAID, ChargeStatus.ABANDONED},
        ChargeStatus.PAID: {ChargeStatus.REFUNDED},
        ChargeStatus.ABANDONED: set(),
        ChargeStatus.REFUNDED: set(),
    },
)

# BIL-10: a prepayment runs until it is discontinued and refunded; a refunded one never runs again
# (an expired one simply has its end date behind it).
declare(
    PrepaidCredit,
    {
        PrepaidStatus.ACTIVE: {PrepaidStatus.REFUNDED},
        PrepaidStatus.REFUNDED: set(),
    },
)
