"""BIL-11 in the database: issued documents and their lines cannot be changed or deleted, whoever
asks (ORM, admin, API or raw SQL). Only the status may move on (issued → paid / void) and the PDF
be recorded once. Plus the EU standard VAT rates as data (BIL-9)."""

from django.db import migrations

DOCUMENT_TRIGGER = r"""
CREATE OR REPLACE FUNCTION billing_document_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
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
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_document_immutable
    BEFORE UPDATE OR DELETE ON billing_document
    FOR EACH ROW EXECUTE FUNCTION billing_document_immutable();

CREATE OR REPLACE FUNCTION billing_line_immutable() RETURNS trigger AS $$
DECLARE
    parent_status text;
BEGIN
    SELECT status INTO parent_status FROM billing_document
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
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_line_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON billing_documentline
    FOR EACH ROW EXECUTE FUNCTION billing_line_immutable();
"""

DROP = """
DROP TRIGGER IF EXISTS billing_line_immutable ON billing_documentline;
DROP FUNCTION IF EXISTS billing_line_immutable();
DROP TRIGGER IF EXISTS billing_document_immutable ON billing_document;
DROP FUNCTION IF EXISTS billing_document_immutable();
"""


def load_rates(apps, schema_editor):  # type: ignore[no-untyped-def]
    from billing.reference import vat_rates_load

    vat_rates_load(apps.get_model("billing", "VatRate"))


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [
        migrations.RunSQL(DOCUMENT_TRIGGER, DROP),
        migrations.RunPython(load_rates, migrations.RunPython.noop),
    ]
