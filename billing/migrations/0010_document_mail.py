import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("billing", "0009_document_waiting_for")]

    operations = [
        migrations.CreateModel(
            name="DocumentMail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("document", "document e-mail"), ("receipt", "payment receipt")],
                        max_length=8,
                        verbose_name="kind",
                    ),
                ),
                ("created_at", models.DateTimeField(verbose_name="created")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent")),
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="mail",
                        to="billing.document",
                        verbose_name="document",
                    ),
                ),
            ],
            options={"verbose_name": "document e-mail", "verbose_name_plural": "document e-mails"},
        ),
    ]
