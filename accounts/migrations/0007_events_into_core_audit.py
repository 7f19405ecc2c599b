"""Issue 10: the account audit log (AccountEvent, ACC-5 … ACC-15, BIL, SUB objections and DPA
requests) moves into the one audit trail, core.AuditEvent; then its table goes (its append-only
trigger with it), and so does the retired SupportEntry table, whose rows reached the trail through
subprocessors migrations 0003 and 0004.

`event_row()` maps one old row: the actor text ("system", "job:<name>", "staff:<e-mail>", a bare
e-mail) becomes a typed actor, the status pair becomes before/after, the data the parameters, and
the domain follows from the action code.
"""

from django.db import migrations

BILLING_PREFIXES = ("charge:", "subscription:", "invoice_", "credit_note_", "prepaid_", "reissue")
BILLING_CODES = {
    "paid",
    "upgraded",
    "change_scheduled",
    "charge_failed",
    "payment_method_changed",
    "custom_delivery_recorded",
    "billing_profile_changed",
    "vies_rechecked",
    "subscription_started",
}
REGISTRY_PREFIXES = ("objection_", "dpa_")


def domain_of(action: str) -> str:
    if action in BILLING_CODES or action.startswith(BILLING_PREFIXES):
        return "billing"
    if action.startswith(REGISTRY_PREFIXES):
        return "registry"
    return "account"


def actor_typed(actor: str, staff_ids: dict[str, int]) -> tuple[str, str, str]:
    """(kind, id, label) for an old actor text; `staff_ids` maps staff e-mails (lower case) to ids."""
    text = (actor or "").strip()
    if not text or text.lower() == "system":
        return "system", "", "system"
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


def event_row(old, account_name: str, staff_ids: dict[str, int]) -> dict:  # type: ignore[no-untyped-def]
    """The core.AuditEvent fields for one AccountEvent row."""
    kind, pk, label = actor_typed(old.actor, staff_ids)
    return {
        "occurred_at": old.at,
        "domain": domain_of(old.action),
        "subject_type": "accounts.account",
        "subject_id": str(old.account_id),
        "subject_label": account_name[:200],
        "account_id": old.account_id,
        "actor_kind": kind,
        "actor_id": pk,
        "actor_label": label[:254],
        "action": old.action,
        "reason": old.reason,
        "before": old.status_before or None,
        "after": old.status_after or None,
        "params": {**(old.data or {}), "migrated_from": "accounts.AccountEvent", "old_id": old.pk},
    }


def copy_into_core(apps, schema_editor):  # type: ignore[no-untyped-def]
    AccountEvent = apps.get_model("accounts", "AccountEvent")
    Account = apps.get_model("accounts", "Account")
    AuditEvent = apps.get_model("core", "AuditEvent")
    User = apps.get_model("users", "User")
    staff_ids = {e.lower(): pk for pk, e in User.objects.filter(is_staff=True).values_list("pk", "email")}
    names = dict(Account.objects.values_list("pk", "name"))
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(**event_row(old, names.get(old.account_id, ""), staff_ids))
            for old in AccountEvent.objects.order_by("at", "id").iterator()
        ),
        batch_size=1000,
    )


DROP_TRIGGER = """
DROP TRIGGER IF EXISTS accounts_event_append_only ON accounts_accountevent;
DROP FUNCTION IF EXISTS accounts_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_audit_trail"),
        ("users", "0001_initial"),
        ("accounts", "0006_mail_delivery_attempts"),
        # the support entries reached the trail through subprocessors.SupportAccessAudit
        ("subprocessors", "0004_support_audit_into_core"),
    ]

    operations = [
        # Reversing leaves the copied rows in core's trail (an append-only table keeps them).
        migrations.RunPython(copy_into_core, migrations.RunPython.noop),
        migrations.RunSQL(DROP_TRIGGER, migrations.RunSQL.noop),
        migrations.RemoveField(model_name="supportentry", name="account"),
        migrations.DeleteModel(name="AccountEvent"),
        migrations.DeleteModel(name="SupportEntry"),
    ]
