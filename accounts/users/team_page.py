"""Min konto's users page, 25 rows at a time (issue 14): the active users, then the open
invitations, read as one list in one query whatever the team's size."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import CharField, DateTimeField, F, IntegerField, Value

from accounts.users.models import Role, User
from accounts.workspace.models import Invitation

PAGE_SIZE = 25
_ROLES = dict(Role.choices)


@dataclass(frozen=True)
class TeamRow:
    pk: int
    invited: bool  # an open invitation, not yet a user
    full_name: str
    email: str
    role: str

    def get_role_display(self) -> str:
        return str(_ROLES.get(self.role, self.role))


def team_page(*, page: int | str | None, users: int, invitations: int) -> Page:
    """One page of the team: users by role and e-mail, then invitations newest first. `users` and
    `invitations` are the counts the seat figure already took, so the pages cost no count query."""
    fields = ("kind", "pk", "full_name", "email", "role", "rank", "sent")
    members = User.objects.filter(is_active=True).annotate(
        kind=Value(0, IntegerField()), rank=F("role"), sent=Value(None, DateTimeField())
    )
    invited = Invitation.objects.filter(accepted_at__isnull=True).annotate(
        kind=Value(1, IntegerField()),
        full_name=Value("", CharField()),
        rank=Value("", CharField()),
        sent=F("created_at"),
    )
    rows = (
        members.values_list(*fields)
        .union(invited.values_list(*fields), all=True)
        .order_by("kind", "rank", "-sent", "email")
    )
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = users + invitations  # a cached property: set, it is never queried
    current = paginator.get_page(page)
    current.object_list = [
        TeamRow(pk=pk, invited=bool(kind), full_name=name, email=email, role=role)
        for kind, pk, name, email, role, _rank, _sent in current.object_list
    ]
    return current
