"""BIL-12 dunning: retry overdue renewals on the staff's schedule, one charge at a time.

Each charge is retried in its own transaction and its errors are recorded against that charge
(a `charge_error` event in its account's audit log), so one broken charge never stops the hourly
job for every other customer. A charge whose account can no longer be charged (cancelled, closed,
purged) is abandoned by `charge_pay` before the processor is asked (ACC-10).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from accounts.lifecycle import audit
from accounts.models import Account
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge
from billing.subscriptions.services.charges import charge_pay

logger = logging.getLogger(__name__)

RECOVERED, RETRY_FAILED, EXHAUSTED, ABANDONED, ERROR = "recovered", "retry_failed", "exhausted", "abandoned", "error"


@dataclass(frozen=True)
class Retry:
    """What happened to one overdue charge."""

    charge_id: int
    account: Account
    outcome: str
    charge: Charge | None = None
    error: str = ""


def due_ids(at: datetime) -> list[int]:
    due = Charge.objects.filter(status=ChargeStatus.FAILED, next_retry_at__lte=at).order_by("next_retry_at", "id")
    return list(due.values_list("pk", flat=True))


def _outcome(charge: Charge) -> str:
    if charge.status == ChargeStatus.PAID:
        return RECOVERED
    if charge.status == ChargeStatus.ABANDONED:
        return ABANDONED
    return EXHAUSTED if charge.next_retry_at is None else RETRY_FAILED


def _error_record(charge_id: int, error: Exception) -> Account:
    """The failed retry left nothing behind (rolled back); its error is kept for staff."""
    account_id = Charge.objects.filter(pk=charge_id).values_list("account_id", flat=True).get()
    account = Account.all_objects.get(pk=account_id)
    with transaction.atomic():
        audit(
            account=account,
            actor="job:subscriptions_dunning",
            action="charge_error",
            reason=f"{type(error).__name__}: {error}"[:2000],
            data={"charge": charge_id},
        )
    return account


def dunning_retry_due(*, at: datetime) -> list[Retry]:
    """BIL-12: retry every overdue charge whose next retry has come, each on its own."""
    retries: list[Retry] = []
    for charge_id in due_ids(at):
        try:
            with transaction.atomic():
                charge = charge_pay(charge_id=charge_id)
        except Exception as error:  # noqa: BLE001 — one broken charge must not stop the others
            logger.exception("dunning: charge %s failed", charge_id)
            retries.append(Retry(charge_id, _error_record(charge_id, error), ERROR, error=str(error)))
            continue
        retries.append(Retry(charge_id, charge.account, _outcome(charge), charge))
    return retries
