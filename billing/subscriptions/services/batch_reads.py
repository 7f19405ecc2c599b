"""What a billing batch reads per account, for all its accounts at once (services/batch.py): one
query each, handed to the memoised readers pricing and invoicing ask (`core.memo`)."""

from collections import defaultdict

from accounts.models import SharedLoginFlag
from billing.models import BillingProfile, CustomDelivery
from billing.services.deliveries import unbilled_deliveries
from billing.services.profiles import billing_profile
from billing.subscriptions.services.shared_login_surcharge import surcharge_flags


def accounts_read(accounts) -> None:  # type: ignore[no-untyped-def]
    """What pricing and invoicing read per account, for the whole batch: one query each."""
    accounts = {account.pk: account for account in accounts}
    profiles = {p.account_id: p for p in BillingProfile.objects.filter(account_id__in=accounts)}
    for profile in profiles.values():
        profile.account = accounts[profile.account_id]
    billing_profile.prime({pk: profiles.get(pk) for pk in accounts})
    flags: dict[int, list[SharedLoginFlag]] = defaultdict(list)
    for flag in SharedLoginFlag.objects.filter(account_id__in=accounts, surcharge=True).order_by("id"):
        flags[flag.account_id].append(flag)
    surcharge_flags.prime({pk: flags[pk] for pk in accounts})


def deliveries_read(charges) -> None:  # type: ignore[no-untyped-def]
    """BIL-13: the unbilled deliveries of the batch's accounts, locked, in one query."""
    charges = list(charges)
    found: dict[tuple[int, str], list[CustomDelivery]] = defaultdict(list)
    for delivery in CustomDelivery.objects.select_for_update().filter(
        account_id__in={c.account_id for c in charges}, invoice__isnull=True
    ):
        found[(delivery.account_id, delivery.currency)].append(delivery)
    unbilled_deliveries.prime({(c.account_id, c.currency): found[(c.account_id, c.currency)] for c in charges})
