"""SUB-5 / ACC-15: the one guard in front of every staff or subcontractor entry into an account.

The app that owns the account's consent (subprocessors) registers its guard here at start-up;
whoever lets staff in (the accounts admin) calls `entry_require()` without importing that app.
The guard checks the consent and records the attempt, allowed or refused, before answering: a
refusal raises PermissionDenied with a translated message, and nothing else happens. With no
guard registered every entry is refused (fail closed).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Entry:
    """One recorded entry attempt, as the Owner and the staff member see it."""

    at: datetime
    staff: str
    reason: str
    allowed: bool


class Guard(Protocol):
    def require(self, *, account: Any, actor: Any, purpose: str) -> Entry: ...

    def entries(
        self, *, account: Any, actor: Any = None, since: datetime | None = None, allowed: bool | None = None
    ) -> list[Entry]: ...

    def entries_page(self, *, account: Any, page: int | str | None) -> Page: ...


_guard: Guard | None = None


def register(guard: Guard) -> None:
    global _guard
    _guard = guard


def entry_require(*, account: Any, actor: Any, purpose: str) -> Entry:
    """Check SUB-5 consent before an entry and record the attempt; raise PermissionDenied if refused."""
    if _guard is None:
        raise PermissionDenied(_("Support access cannot be checked, so it is refused."))
    return _guard.require(account=account, actor=actor, purpose=purpose)


def entries(
    *, account: Any, actor: Any = None, since: datetime | None = None, allowed: bool | None = None
) -> list[Entry]:
    """The recorded entry attempts into `account`, newest first (optionally one staff member's,
    since a moment, only the allowed or refused ones)."""
    if _guard is None:
        return []
    return _guard.entries(account=account, actor=actor, since=since, allowed=allowed)


def entries_page(*, account: Any, page: int | str | None) -> Page | None:
    """One page (25, newest first) of the recorded entry attempts into `account`, for Min konto."""
    if _guard is None:
        return None
    return _guard.entries_page(account=account, page=page)
