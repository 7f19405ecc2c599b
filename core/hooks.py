"""Questions a lower app asks and a higher app answers, without the lower app importing it.

`accounts` is the base app: it must not import billing or privacy, yet its middleware must know
whether a suspended account can pay its way back, its inactivity job whether an account pays, its
mailer whether a marketing mail may go. Each question is declared here, once, with the answer
that is safe when no app has registered one (fail closed); the app that knows registers its
answer at start-up (from its AppConfig.ready), the way core.transitions' reactions and
core.support_access's guard are registered:

    # billing/hooks.py, imported by BillingConfig.ready()
    hooks.has_paid_subscription.register(has_paid_subscription)

    # accounts/lifecycle.py
    if hooks.has_paid_subscription(account): ...
"""

from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Hook(Generic[T]):
    """One question with at most one answering function; `default` answers while none is registered."""

    def __init__(self, name: str, *, default: T) -> None:
        self.name = name
        self.default = default
        self._answer: Callable[..., T] | None = None

    def register(self, answer: Callable[..., T]) -> Callable[..., T]:
        """Register `answer` (usable as a decorator). Registering the same function again is harmless;
        a second, different answer is a wiring mistake and raises."""
        if self._answer is not None and self._answer is not answer:
            raise RuntimeError(f"hook {self.name!r} already answered by {self._answer!r}")
        self._answer = answer
        return answer

    @property
    def registered(self) -> bool:
        return self._answer is not None

    def __call__(self, *args: Any, **kwargs: Any) -> T:
        if self._answer is None:
            return self.default
        return self._answer(*args, **kwargs)


# ACC-11: an account with a paid subscription is never deleted for inactivity. Unknown → keep it.
has_paid_subscription: Hook[bool] = Hook("has_paid_subscription", default=True)

# BIL-12 / LTD-8: a suspended account whose suspension an unpaid charge caused may still reach the
# payment method and billing details, to pay its way back. Unknown → no exception to the lock.
suspended_for_payment: Hook[bool] = Hook("suspended_for_payment", default=False)

# Marketing mail (GDPR consent, restriction, objection): may it go to this address? Unknown → no.
marketing_allowed: Hook[bool] = Hook("marketing_allowed", default=False)

# The one-click unsubscribe link a marketing mail carries.
unsubscribe_url: Hook[str] = Hook("unsubscribe_url", default="")
