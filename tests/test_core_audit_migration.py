"""Issue 10: the account audit log's rows move into the one audit trail with a typed actor, the
status pair as before/after, the details as parameters and the domain taken from the action."""

from datetime import UTC, datetime
from importlib import import_module
from types import SimpleNamespace

import pytest

migration = import_module("accounts.migrations.0007_events_into_core_audit")
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def old(action: str, actor: str, before: str = "", after: str = "", data=None) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    return SimpleNamespace(
        pk=9,
        account_id=42,
        at=AT,
        actor=actor,
        action=action,
        reason="Breach",
        status_before=before,
        status_after=after,
        data=data or {},
    )


@pytest.mark.parametrize(
    ("row", "domain", "actor", "before", "after"),
    [
        (
            old("status:suspended", "desk@kontoportal.test", "trial", "suspended"),
            "account",
            ("staff", "3"),
            "trial",
            "suspended",
        ),
        (
            old("charge:failed", "job:subscriptions_dunning", "pending", "failed"),
            "billing",
            ("job", "subscriptions_dunning"),
            "pending",
            "failed",
        ),
        (old("paid", "system", data={"document_id": 5}), "billing", ("system", ""), None, None),
        (
            old("objection_resolved", "staff:new@kontoportal.test", "open", "resolved"),
            "registry",
            ("staff", ""),
            "open",
            "resolved",
        ),
        (old("user_invited", "owner@alfa.dk"), "account", ("customer", ""), None, None),
    ],
)
def test_acc_gdpr8_migrated_account_event_keeps_everything_with_a_typed_actor(row, domain, actor, before, after):
    new = migration.event_row(row, "Alfa ApS", {"desk@kontoportal.test": 3})
    assert (new["domain"], (new["actor_kind"], new["actor_id"])) == (domain, actor)
    assert (new["before"], new["after"], new["reason"], new["occurred_at"]) == (before, after, "Breach", AT)
    assert (new["account_id"], new["subject_type"], new["subject_label"]) == (42, "accounts.account", "Alfa ApS")
    assert row.data.items() <= new["params"].items()


privacy_migration = import_module("privacy.migrations.0008_audit_into_core_trail")


def test_gdpr8_migrated_privacy_step_names_the_case_not_the_requester():
    status = SimpleNamespace(
        pk=3,
        request_id=17,
        at=AT,
        action="status",
        actor="staff:desk@kontoportal.test",
        detail={"before": "open", "after": "refused", "reason": "Manifestly unfounded"},
    )
    new = privacy_migration.desk_row(status, "GDPR-2026-00017", 42, {"desk@kontoportal.test": 3})
    assert (new["domain"], new["subject_type"], new["subject_id"], new["subject_label"]) == (
        "privacy",
        "privacy.privacyrequest",
        "17",
        "GDPR-2026-00017",
    )
    assert (new["actor_kind"], new["actor_id"], new["actor_label"]) == ("staff", "3", "desk@kontoportal.test")
    assert (new["before"], new["after"], new["reason"], new["account_id"]) == (
        "open",
        "refused",
        "Manifestly unfounded",
        42,
    )
    subject = SimpleNamespace(pk=4, request_id=17, at=AT, action="received", actor="data subject", detail={})
    row = privacy_migration.desk_row(subject, "GDPR-2026-00017", None, {})
    assert (row["actor_kind"], row["actor_label"], row["before"]) == ("customer", "data subject", None)
