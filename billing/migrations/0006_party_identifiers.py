from django.db import migrations, models


class Migration(migrations.Migration):
    """BIL-14: buyer and seller identifiers for e-invoices (company registration number, Slovak
    tax number, Peppol participant id)."""

    dependencies = [
        ("billing", "0005_document_payment"),
    ]

    operations = [
        migrations.AddField(
            model_name="billingprofile",
            name="company_id",
            field=models.CharField(blank=True, max_length=30, verbose_name="company registration number"),
        ),
        migrations.AddField(
            model_name="billingprofile",
            name="tax_number",
            field=models.CharField(blank=True, max_length=20, verbose_name="tax number (DIČ)"),
        ),
        migrations.AddField(
            model_name="billingprofile",
            name="peppol_scheme",
            field=models.CharField(blank=True, max_length=4, verbose_name="Peppol ID scheme"),
        ),
        migrations.AddField(
            model_name="billingprofile",
            name="peppol_id",
            field=models.CharField(blank=True, max_length=100, verbose_name="Peppol ID"),
        ),
        migrations.AddField(
            model_name="sellerprofile",
            name="tax_number",
            field=models.CharField(blank=True, max_length=20, verbose_name="tax number (DIČ)"),
        ),
        migrations.AddField(
            model_name="sellerprofile",
            name="peppol_scheme",
            field=models.CharField(blank=True, max_length=4, verbose_name="Peppol ID scheme"),
        ),
        migrations.AddField(
            model_name="sellerprofile",
            name="peppol_id",
            field=models.CharField(blank=True, max_length=100, verbose_name="Peppol ID"),
        ),
    ]
