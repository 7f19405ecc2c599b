"""SUB-5 / ACC-15: the support-access audit becomes the one record of staff entries and is
append-only.

- Its account link loses the database constraint and the SET NULL: the trail outlives an account
  row, and a SET NULL would be an UPDATE the trigger refuses.
- The support entries the accounts admin recorded in its own table (accounts.SupportEntry) are
  copied in, as "entry allowed" / "entry refused" rows, so the trail is complete.
- A trigger refuses UPDATE and DELETE on the table. Nothing in the portal updates or deletes these
  rows: GDPR erasure keeps them (evidence of who saw an account's data, kept as a legal record),
  and accounts are never deleted, only purged (their row stays).
"""

import django.db.models.deletion
from django.db import migrations, models

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION subprocessors_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS subprocessors_supportaccessaudit_append_only ON subprocessors_supportaccessaudit;
CREATE TRIGGER subprocessors_supportaccessaudit_append_only
    BEFORE UPDATE OR DELETE ON subprocessors_supportaccessaudit
    FOR EACH ROW EXECUTE FUNCTION subprocessors_audit_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS subprocessors_supportaccessaudit_append_only ON subprocessors_supportaccessaudit;
DROP FUNCTION IF EXISTS subprocessors_audit_append_only();
"""


def support_entries_copy(apps, schema_editor):  # type: ignore[no-untyped-def]
    SupportEntry = apps.get_model("accounts", "SupportEntry")
    SupportAccessAudit = apps.get_model("subprocessors", "SupportAccessAudit")
    SupportAccessAudit.objects.bulk_create(
        SupportAccessAudit(
            account_id=entry.account_id,
            account_name=entry.account.name,
            event="entry_allowed" if entry.allowed else "entry_refused",
            actor=entry.staff[:254],
            purpose=entry.reason[:500],
            at=entry.at,
        )
        for entry in SupportEntry.objects.select_related("account").order_by("at", "id")
    )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_audit_outlives_account"),
        ("subprocessors", "0002_registry_policies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="supportaccessaudit",
            name="account",
            field=models.ForeignKey(
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="accounts.account",
                verbose_name="account",
            ),
        ),
        # Reversing leaves the copied rows (an append-only table keeps what it was given).
        migrations.RunPython(support_entries_copy, migrations.RunPython.noop),
        migrations.RunSQL(APPEND_ONLY_SQL, DROP_SQL),
    ]
