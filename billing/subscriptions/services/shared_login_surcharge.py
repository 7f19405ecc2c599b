"""ACC-8: a login staff found shared and marked for a surcharge costs a monthly fee on every
renewal while the mark stands."""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import SharedLoginFlag
from billing.subscriptions import proration
from billing.subscriptions.models import BillingSettings, Subscription
from config.clock import now
from core.memo import memoised


@memoised(key=lambda account_id: account_id)
def surcharge_flags(account_id: int) -> list[SharedLoginFlag]:
    """The account's logins marked for a surcharge (a billing batch reads its accounts' at once)."""
    return list(SharedLoginFlag.objects.filter(account_id=account_id, surcharge=True).order_by("id"))


def shared_login_surcharge_lines(
    subscription: Subscription, period: proration.Period
) -> list[tuple[str, Decimal, Decimal]]:
    """ACC-8: a monthly fee per login staff found shared and marked for a surcharge, on every
    renewal while the mark stands (× 12 on an annual bill)."""
    flags = surcharge_flags(subscription.account_id)
    if not flags:
        return []
    months = Decimal(proration.MONTHS_IN_CYCLE[subscription.cycle])
    fee = BillingSettings.current().shared_login_surcharge
    SharedLoginFlag.objects.filter(pk__in=[f.pk for f in flags]).update(surcharge_invoiced_at=now())
    with translation.override(subscription.account.language):
        return [
            (_("Surcharge for a shared login: %(user)s (per month)") % {"user": f.user_email}, months, fee)
            for f in flags
        ]
