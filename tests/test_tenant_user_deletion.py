"""Tenants never leak, also through deletion cascades: removing an account's user must not touch
public rows that belong to the staff user with the same id."""

from django.contrib.admin.models import ADDITION, LogEntry
from django.db import connection
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from accounts.users.models import Role, User
from conftest import PASSWORD


def test_deleting_an_account_user_leaves_staff_tokens_and_admin_log_alone(account_a):
    with tenant_context(account_a):
        member = User.objects.create_user("twin@alfa.dk", PASSWORD, full_name="Twin", role=Role.AGENT)
    # a staff user with exactly that id, with an API token and an admin log entry
    connection.set_schema_to_public()
    User.objects.filter(pk=member.pk).delete()
    staff = User.objects.create_user(
        "twin@kontoportal.test", PASSWORD, full_name="Staff Twin", is_staff=True, id=member.pk
    )
    token = Token.objects.create(user=staff)
    entry = LogEntry.objects.create(user=staff, action_flag=ADDITION, object_repr="x", change_message="")

    with tenant_context(account_a):
        User.objects.get(pk=member.pk).delete()

    connection.set_schema_to_public()
    assert Token.objects.filter(pk=token.pk).exists()
    assert LogEntry.objects.filter(pk=entry.pk).exists()
