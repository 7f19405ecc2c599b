from django.db import migrations

EU = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()


def non_eu_not_unverified(apps, schema_editor):
    # BIL-15: a number from outside the EU was never a question for VIES. Profiles saved before
    # were marked "unverified" (and told VAT is charged until it is confirmed): they are checked
    # by their own format, "not_eu".
    profile = apps.get_model("billing", "BillingProfile")
    profile.objects.exclude(country__in=EU).exclude(vat_number="").filter(vat_status="unverified").update(
        vat_status="not_eu"
    )


class Migration(migrations.Migration):
    dependencies = [("billing", "0007_tax_regimes_and_ecb_rates")]

    operations = [migrations.RunPython(non_eu_not_unverified, migrations.RunPython.noop)]
