from django.db import migrations, models


def held_drafts_wait_for_their_rate(apps, schema_editor):
    # BIL-16: the drafts held before this field existed (a tax point, no number) waited for
    # their exchange rate; the Slovak identifiers (BIL-14) were refused then, never held.
    document = apps.get_model("billing", "Document")
    document.objects.filter(status="draft", tax_point__isnull=False).update(waiting_for="rate")


class Migration(migrations.Migration):
    dependencies = [("billing", "0008_non_eu_numbers_not_unverified")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="waiting_for",
            field=models.CharField(
                blank=True,
                choices=[("rate", "the ECB exchange rate"), ("identifiers", "the buyer's identifiers")],
                max_length=12,
                verbose_name="waiting for",
            ),
        ),
        migrations.RunPython(held_drafts_wait_for_their_rate, migrations.RunPython.noop),
    ]
