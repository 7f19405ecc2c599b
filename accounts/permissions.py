"""Who may open a page (ACC-9), declared once on the view, refused one way.

`@owner_required` (only the account's Owner: billing details, payment, stopping the account) and
`@owner_or_admin_required` (the Owner and Admins: the team, invoices). Staff pages are the admin's:
its `admin_view` is the one staff check, and a staff member without a model's permission gets the
same styled 403 page. A refusal raises `Refused`, which the 403 handler
(config.views.permission_denied) renders as a page of the site in the reader's language saying
who can do it: "Only the account's Owner, Mette Hansen, can manage billing." The roles a view
allows are kept on the view (`allowed_roles`), so Min konto's menu shows only what the user may
open (`may_open`), from the same declaration.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.users.models import Role, User

View = Callable[..., HttpResponse]

OWNER_ONLY = _("Only the account's Owner, %(owner)s, can do this.")
OWNER_OR_ADMIN = _("Only the account's Owner, %(owner)s, or an Admin can do this.")
MANAGERS = frozenset({Role.OWNER, Role.ADMIN})
# Whole sentences per action (never pieces), each naming the Owner; used by every app's views.
MANAGE_BILLING = _("Only the account's Owner, %(owner)s, can manage billing.")
SEE_DOCUMENTS = _("Only the account's Owner, %(owner)s, or an Admin can see invoices and credit notes.")
MANAGE_USERS = _("Only the account's Owner, %(owner)s, or an Admin can manage users.")
STOP_ACCOUNT = _("Only the account's Owner, %(owner)s, can stop the account.")
OBJECT_TO_SUBPROCESSOR = _("Only the account's Owner, %(owner)s, can object to a new sub-processor.")
REQUEST_DPA = _("Only the account's Owner, %(owner)s, can ask for the data-processing agreement.")
CHANGE_SUPPORT_ACCESS = _("Only the account's Owner, %(owner)s, or an Admin can change support access.")
CHANGE_OWNER_NOTICES = _("Only the account's Owner, %(owner)s, can change the notices the Owner receives.")


class Refused(PermissionDenied):
    """A refusal a person reads: `message` is translated and says who can do it."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


def owner_name() -> str:
    """The current account's Owner as the team knows them (full name, else address)."""
    owner = User.objects.filter(role=Role.OWNER, is_active=True).only("full_name", "email").first()
    if owner is None:
        return gettext("the Owner")
    return owner.full_name or owner.email


def role_require(user: Any, roles: Iterable[str], refusal: str | Promise) -> None:
    """Raise Refused unless `user` has one of `roles` (for a view open to all whose POST is not)."""
    if getattr(user, "role", None) not in {str(role) for role in roles}:
        raise Refused(str(refusal) % {"owner": owner_name()})


def roles_required(roles: Iterable[str], refusal: str | Promise) -> Callable[[View], View]:
    """Let in only logged-in users of the account with one of `roles`; refuse the others with
    `refusal` (a sentence with `%(owner)s`, the Owner's name)."""
    allowed = frozenset(str(role) for role in roles)

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            role_require(request.user, allowed, refusal)
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorator


def owner_required(view: View | None = None, *, refusal: str | Promise = OWNER_ONLY) -> Any:
    """Only the account's Owner. `@owner_required` or `@owner_required(refusal=_("… %(owner)s …"))`."""
    decorator = roles_required({Role.OWNER}, refusal)
    return decorator(view) if view is not None else decorator


def owner_or_admin_required(view: View | None = None, *, refusal: str | Promise = OWNER_OR_ADMIN) -> Any:
    """The account's Owner and its Admins (not Agents)."""
    decorator = roles_required(MANAGERS, refusal)
    return decorator(view) if view is not None else decorator


def may_open(user: Any, view: Callable[..., Any]) -> bool:
    """Whether `user` passes the role check declared on `view` (views without one: any user)."""
    allowed = getattr(view, "allowed_roles", None)
    return allowed is None or getattr(user, "role", None) in allowed
