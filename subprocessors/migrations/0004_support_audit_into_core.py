"""Issue 10: the support-access trail (SUB-5, ACC-15; it already holds the retired
accounts.SupportEntry rows, copied in by 0003) moves into the one audit trail, core.AuditEvent,
domain "support"; then its own table goes (the trigger goes with it).

The actor was a bare text: a staff e-mail, "staff:<e-mail>", an Owner's e-mail or "system".
`support_row()` maps one old row to the typed actor of the new trail.
"""

from django.db import migrations

STAFF_PREFIX = "staff:"


def actor_typed(actor: str, staff_ids: dict[str, int]) -> tuple[str, str, str]:
    """(kind, id, label) for an old actor text; `staff_ids` maps staff e-mails (lower case) to ids."""
    text = (actor or "").strip()
    if not text or text.lower() == "system":
        return "system", "", "system"
    if text.startswith("job:"):
        return "job", text[4:], text[4:]
    explicit = text.startswith(STAFF_PREFIX)
    email = text[len(STAFF_PREFIX) :] if explicit else text
    if explicit or email.lower() in staff_ids:
        pk = staff_ids.get(email.lower())
        return "staff", "" if pk is None else str(pk), email
    if "@" in email:
        return "customer", "", email
    return "system", "", text


def support_row(old, staff_ids: dict[str, int]) -> dict:  # type: ignore[no-untyped-def]
    """The core.AuditEvent fields for one SupportAccessAudit row."""
    kind, pk, label = actor_typed(old.actor, staff_ids)
    return {
        "occurred_at": old.at,
        "domain": "support",
        "subject_type": "accounts.account" if old.account_id else "",
        "subject_id": str(old.account_id or ""),
        "subject_label": old.account_name[:200],
        "account_id": old.account_id,
        "actor_kind": kind,
        "actor_id": pk,
        "actor_label": label[:254],
        "action": old.event,
        "reason": old.purpose,
        "before": None,
        "after": None,
        "params": {"migrated_from": "subprocessors.SupportAccessAudit", "old_id": old.pk},
    }


def staff_ids_of(apps) -> dict[str, int]:  # type: ignore[no-untyped-def]
    User = apps.get_model("users", "User")
    return {email.lower(): pk for pk, email in User.objects.filter(is_staff=True).values_list("pk", "email")}


def copy_into_core(apps, schema_editor):  # type: ignore[no-untyped-def]
    Old = apps.get_model("subprocessors", "SupportAccessAudit")
    AuditEvent = apps.get_model("core", "AuditEvent")
    staff_ids = staff_ids_of(apps)
    AuditEvent.objects.bulk_create(
        AuditEvent(**support_row(old, staff_ids)) for old in Old.objects.order_by("at", "id").iterator()
    )


DROP_TRIGGER = """
DROP TRIGGER IF EXISTS subprocessors_supportaccessaudit_append_only ON subprocessors_supportaccessaudit;
DROP FUNCTION IF EXISTS subprocessors_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_audit_trail"),
        ("users", "0001_initial"),
        ("subprocessors", "0003_support_audit_append_only"),
    ]

    operations = [
        # Reversing leaves the copied rows in core's trail (an append-only table keeps them).
        migrations.RunPython(copy_into_core, migrations.RunPython.noop),
        # Only forwards: the old table is dropped, its trigger with it (re-created empty backwards).
        migrations.RunSQL(DROP_TRIGGER, migrations.RunSQL.noop),
        migrations.DeleteModel(name="SupportAccessAudit"),
    ]
