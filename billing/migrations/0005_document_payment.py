"""BIL-17: an invoice records how and when it was paid (`paid_at`, `payment`).

The trigger of 0002/0003 listed the frozen columns, so a new column was writable after issue. It
now freezes every column except the status, the payment and the PDF, so a column added later is
frozen by default. What may still happen to an issued document, and only this:
- the status moves issued → paid, issued → void or paid → void (never back, never to draft);
- `paid_at` and `payment` are written once, in the same update that moves it to paid;
- the PDF is recorded once.
"""

from importlib import import_module

from django.db import migrations, models

from core.db import freeze_function_sql

_previous = import_module("billing.migrations.0003_vat_in_euro")
PREVIOUS_FUNCTION = _previous.FUNCTION

FUNCTION = "\n" + freeze_function_sql(
    "billing_document_immutable",
    declare=r"""DECLARE
    moving_columns CONSTANT text[] := ARRAY['status', 'paid_at', 'payment', 'pdf_file', 'pdf_sha256'];
""",
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
    IF (to_jsonb(NEW) - moving_columns) IS DISTINCT FROM (to_jsonb(OLD) - moving_columns) THEN
        RAISE EXCEPTION 'issued document % is immutable; correct it with a credit note (BIL-11)', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status
       AND (OLD.status, NEW.status) NOT IN (('issued', 'paid'), ('issued', 'void'), ('paid', 'void')) THEN
        RAISE EXCEPTION 'issued document % cannot move from % to % (BIL-11)', OLD.number, OLD.status, NEW.status
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF (NEW.paid_at, NEW.payment) IS DISTINCT FROM (OLD.paid_at, OLD.payment)
       AND NOT (OLD.status = 'issued' AND NEW.status = 'paid') THEN
        RAISE EXCEPTION 'the payment of document % is recorded once, when it is paid (BIL-17)', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.pdf_sha256 <> '' AND (NEW.pdf_file, NEW.pdf_sha256) IS DISTINCT FROM (OLD.pdf_file, OLD.pdf_sha256) THEN
        RAISE EXCEPTION 'the PDF of document % is stored once and never replaced (BIL-11)', OLD.number
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
""",
)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0004_line_text_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="paid_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="paid"),
        ),
        migrations.AddField(
            model_name="document",
            name="payment",
            field=models.JSONField(blank=True, default=dict, verbose_name="payment"),
        ),
        migrations.RunSQL(FUNCTION, PREVIOUS_FUNCTION),
    ]
