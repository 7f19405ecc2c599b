"""GDPR-10: a case reference for every request (numbered by a sequence, so never reused), the
staff member who registered a request received by e-mail, phone or letter, and its attachments."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import privacy.models
import privacy.uploads


def references_backfill(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    PrivacyRequest = apps.get_model("privacy", "PrivacyRequest")
    with schema_editor.connection.cursor() as cursor:
        for request in PrivacyRequest.objects.order_by("id"):
            cursor.execute("SELECT nextval('privacy_request_reference_seq')")
            (number,) = cursor.fetchone()
            request.reference = f"GDPR-{timezone.localdate(request.received_at).year}-{number:05d}"
            request.save(update_fields=["reference"])


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0004_request_outcome_code"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS privacy_request_reference_seq",
            "DROP SEQUENCE IF EXISTS privacy_request_reference_seq",
        ),
        migrations.AddField(
            model_name="privacyrequest",
            name="reference",
            field=models.CharField(default="", editable=False, max_length=24, verbose_name="case reference"),
            preserve_default=False,
        ),
        migrations.RunPython(references_backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="privacyrequest",
            name="reference",
            field=models.CharField(
                default=privacy.models.reference_next,
                editable=False,
                max_length=24,
                unique=True,
                verbose_name="case reference",
            ),
        ),
        migrations.AddField(
            model_name="privacyrequest",
            name="registered_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="registered by",
            ),
        ),
        migrations.AlterField(
            model_name="privacyrequest",
            name="channel",
            field=models.CharField(
                choices=[
                    ("public", "Public form"),
                    ("minkonto", "Min konto"),
                    ("written", "Written request"),
                    ("staff", "Registered by staff"),
                    ("email", "E-mail to us"),
                    ("phone", "Phone call"),
                    ("letter", "Letter by post"),
                ],
                default="public",
                max_length=16,
                verbose_name="channel",
            ),
        ),
        migrations.CreateModel(
            name="RequestAttachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "file",
                    models.FileField(
                        max_length=200,
                        storage=privacy.uploads.private_storage,
                        upload_to=privacy.uploads.letter_path,
                        verbose_name="file",
                    ),
                ),
                ("name", models.CharField(blank=True, max_length=255, verbose_name="name of the uploaded file")),
                ("uploaded_at", models.DateTimeField(verbose_name="uploaded")),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="privacy.privacyrequest",
                    ),
                ),
            ],
            options={
                "verbose_name": "attachment",
                "verbose_name_plural": "attachments",
                "ordering": ["uploaded_at", "id"],
            },
        ),
    ]
