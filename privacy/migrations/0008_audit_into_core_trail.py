"""Issue 10, GDPR-8: the privacy desk's audit log moves into the one audit trail, core.AuditEvent,
domain "privacy"; then its own table goes (its append-only trigger with it).

A row named its request by foreign key and its actor as text ("staff:<e-mail>", "system",
"data subject", a consent source such as "signup"); `desk_row()` maps one old row: the request
becomes the subject (named by its case reference, never the requester's address), the actor is
typed, a status move's before/after and reason become the row's own, the detail its parameters.
"""

from django.db import migrations


def actor_typed(actor: str, staff_ids: dict[str, int]) -> tuple[str, str, str]:
    text = (actor or "").strip()
    if not text or text.lower() == "system":
        return "system", "", "system"
    if text == "data subject":
        return "customer", "", text
    if text.startswith("job:"):
        return "job", text[4:], text[4:]
    explicit = text.startswith("staff:")
    email = text[6:] if explicit else text
    if explicit or email.lower() in staff_ids:
        pk = staff_ids.get(email.lower())
        return "staff", "" if pk is None else str(pk), email
    if "@" in email:
        return "customer", "", email
    return "system", "", text


def desk_row(old, reference: str, account_id, staff_ids: dict[str, int]) -> dict:  # type: ignore[no-untyped-def]
    """The core.AuditEvent fields for one privacy AuditEvent row."""
    kind, pk, label = actor_typed(old.actor, staff_ids)
    detail = dict(old.detail or {})
    status = old.action == "status"
    return {
        "occurred_at": old.at,
        "domain": "privacy",
        "subject_type": "privacy.privacyrequest" if old.request_id else "",
        "subject_id": str(old.request_id or ""),
        "subject_label": (reference or "")[:200],
        "account_id": account_id,
        "actor_kind": kind,
        "actor_id": pk,
        "actor_label": label[:254],
        "action": old.action,
        "reason": str(detail.get("reason", "")),
        "before": detail.get("before") if status else None,
        "after": detail.get("after") if status else None,
        "params": {**detail, "migrated_from": "privacy.AuditEvent", "old_id": old.pk},
    }


def copy_into_core(apps, schema_editor):  # type: ignore[no-untyped-def]
    Old = apps.get_model("privacy", "AuditEvent")
    PrivacyRequest = apps.get_model("privacy", "PrivacyRequest")
    AuditEvent = apps.get_model("core", "AuditEvent")
    User = apps.get_model("users", "User")
    staff_ids = {e.lower(): pk for pk, e in User.objects.filter(is_staff=True).values_list("pk", "email")}
    requests = {pk: (ref, acc) for pk, ref, acc in PrivacyRequest.objects.values_list("pk", "reference", "account_id")}
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(**desk_row(old, *requests.get(old.request_id, ("", None)), staff_ids))
            for old in Old.objects.order_by("at", "id").iterator()
        ),
        batch_size=1000,
    )


DROP_TRIGGER = """
DROP TRIGGER IF EXISTS privacy_auditevent_append_only ON privacy_auditevent;
DROP FUNCTION IF EXISTS privacy_audit_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_audit_trail"),
        ("users", "0001_initial"),
        ("privacy", "0007_erasure_audit_steps"),
    ]

    operations = [
        # Reversing leaves the copied rows in core's trail (an append-only table keeps them).
        migrations.RunPython(copy_into_core, migrations.RunPython.noop),
        migrations.RunSQL(DROP_TRIGGER, migrations.RunSQL.noop),
        migrations.DeleteModel(name="AuditEvent"),
    ]
