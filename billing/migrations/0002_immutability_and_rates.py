"""BIL-11 in the database: issued documents and their lines cannot be changed or deleted, whoever
asks (ORM, admin, API or raw SQL). Only the status may move on (issued → paid / void) and the PDF
be recorded once. Plus the EU standard VAT rates as data (BIL-9)."""

from django.db import migrations

from core.db import freeze_trigger_drop_sql, freeze_trigger_sql

DOCUMENT_TRIGGER = (
    "\n"
    + freeze_trigger_sql(
        "billing_document_immutable",
        table="billing_document",
        events="UPDATE OR DELETE",
        body=r"""    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'issued document % cannot be deleted (BIL-11)', OLD.number
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'draft' THEN
        RETURN NEW;
    END IF;
    IF NEW.status = 'draft' THEN
        RAISE EXCEPTION 'issued document % cannot return to draft (BIL-11)', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF (NEW.kind, NEW.account_id, NEW.sequence, NEW.number, NEW.issued_at, NEW.period_start, NEW.period_end,
        NEW.due_date, NEW.currency, NEW.language, NEW.credited_invoice_id, NEW.reason, NEW.seller, NEW.buyer,
        NEW.tax_treatment, NEW.tax_country, NEW.vat_rate, NEW.tax_note, NEW.net_total, NEW.vat_total,
        NEW.gross_total, NEW.created_at)
       IS DISTINCT FROM
       (OLD.kind, OLD.account_id, OLD.sequence, OLD.number, OLD.issued_at, OLD.period_start, OLD.period_end,
        OLD.due_date, OLD.currency, OLD.language, OLD.credited_invoice_id, OLD.reason, OLD.seller, OLD.buyer,
        OLD.tax_treatment, OLD.tax_country, OLD.vat_rate, OLD.tax_note, OLD.net_total, OLD.vat_total,
        OLD.gross_total, OLD.created_at) THEN
        RAISE EXCEPTION 'issued document % is immutable; correct it with a credit note (BIL-11)', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.pdf_sha256 <> '' AND (NEW.pdf_file, NEW.pdf_sha256) IS DISTINCT FROM (OLD.pdf_file, OLD.pdf_sha256) THEN
        RAISE EXCEPTION 'the PDF of document % is stored once and never replaced (BIL-11)', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
""",
    )
    + "\n"
    + freeze_trigger_sql(
        "billing_line_immutable",
        table="billing_documentline",
        events="INSERT OR UPDATE OR DELETE",
        declare="DECLARE\n    parent_status text;\n",
        body=r"""    SELECT status INTO parent_status FROM billing_document
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.document_id ELSE NEW.document_id END;
    IF parent_status IS NOT NULL AND parent_status <> 'draft' THEN
        RAISE EXCEPTION 'the lines of an issued document are immutable (BIL-11)'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.document_id <> NEW.document_id THEN
        SELECT status INTO parent_status FROM billing_document WHERE id = OLD.document_id;
        IF parent_status <> 'draft' THEN
            RAISE EXCEPTION 'the lines of an issued document are immutable (BIL-11)'
                USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
""",
    )
)

DROP = (
    "\n"
    + freeze_trigger_drop_sql("billing_line_immutable", table="billing_documentline")
    + freeze_trigger_drop_sql("billing_document_immutable", table="billing_document")
)


def load_rates(apps, schema_editor):  # type: ignore[no-untyped-def]
    from billing.reference import vat_rates_load

    vat_rates_load(apps.get_model("billing", "VatRate"))


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunSQL(DOCUMENT_TRIGGER, DROP),
        migrations.RunPython(load_rates, migrations.RunPython.noop),
    ]
