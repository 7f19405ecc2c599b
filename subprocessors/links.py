"""The registry's links (SUB-4): opaque, single-purpose and expiring (config/tokens.py).

Old-format links (the bare subscriber token, the signed account id) are refused like forged ones.
"""

from datetime import timedelta

from accounts.models import Account
from config.tokens import token_make, token_read
from subprocessors.models import Subscriber

# Links are opaque, single-purpose and expiring (config/tokens.py). A confirmation link is for the
# days after subscribing; an unsubscribe link must still work from an old notice.
CONFIRM_PURPOSE = "subprocessors.confirm"
CONFIRM_MAX_AGE = timedelta(days=7)
UNSUBSCRIBE_PURPOSE = "subprocessors.unsubscribe"
OWNER_OPT_OUT_PURPOSE = "subprocessors.owner-opt-out"
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)


def subscriber_confirm_token(subscriber: Subscriber) -> str:
    return token_make(CONFIRM_PURPOSE, {"s": subscriber.token})


def subscriber_unsubscribe_token(subscriber: Subscriber) -> str:
    return token_make(UNSUBSCRIBE_PURPOSE, {"s": subscriber.token})


def subscriber_by_token(purpose: str, token: str, max_age: timedelta) -> Subscriber | None:
    data = token_read(purpose, token, max_age=max_age)
    if data is None or not isinstance(data.get("s"), str):
        return None
    return Subscriber.objects.select_for_update().filter(token=data["s"]).first()


def owner_opt_out_token(account: Account) -> str:
    return token_make(OWNER_OPT_OUT_PURPOSE, {"a": account.pk})


def owner_opt_out_account_id(token: str) -> int | None:
    data = token_read(OWNER_OPT_OUT_PURPOSE, token, max_age=UNSUBSCRIBE_MAX_AGE)
    return data["a"] if data is not None and isinstance(data.get("a"), int) else None
