"""Issue 10, SUB-5 / ACC-15: the support-access rows (and the retired support entries they hold)
move into the one audit trail with their actor typed, nothing of the old row lost."""

from datetime import UTC, datetime
from importlib import import_module
from types import SimpleNamespace

import pytest

migration = import_module("subprocessors.migrations.0004_support_audit_into_core")
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def old_row(actor: str, event: str = "entry_refused") -> SimpleNamespace:
    return SimpleNamespace(
        pk=7, account_id=42, account_name="Alfa ApS", event=event, actor=actor, purpose="Ticket 4711", at=AT
    )


@pytest.mark.parametrize(
    ("actor", "kind", "actor_id", "label"),
    [
        ("desk@kontoportal.test", "staff", "3", "desk@kontoportal.test"),  # a known staff e-mail
        ("staff:new@kontoportal.test", "staff", "", "new@kontoportal.test"),
        ("owner@alfa.dk", "customer", "", "owner@alfa.dk"),  # the Owner granting consent
        ("system", "system", "", "system"),
    ],
)
def test_sub5_acc15_migrated_support_row_keeps_everything_with_a_typed_actor(actor, kind, actor_id, label):
    row = migration.support_row(old_row(actor), {"desk@kontoportal.test": 3})
    assert (row["actor_kind"], row["actor_id"], row["actor_label"]) == (kind, actor_id, label)
    assert row["occurred_at"] == AT
    assert (row["domain"], row["action"], row["reason"]) == ("support", "entry_refused", "Ticket 4711")
    assert (row["account_id"], row["subject_type"], row["subject_id"], row["subject_label"]) == (
        42,
        "accounts.account",
        "42",
        "Alfa ApS",
    )
