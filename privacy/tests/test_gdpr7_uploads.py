"""GDPR-7 and the upload limits of the written withdrawal route (/privacy/request/written/).

A signed letter is checked by its content (PDF, PNG or JPEG only, at most KONTO_UPLOAD_MAX_MB),
stored under a random name outside any web root, and deleted with its request: by the purge of
an unverified request and by the retention job.
"""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from config.clock import now
from privacy.jobs import retention
from privacy.models import PrivacyRequest, RequestStatus
from privacy.services.intake import request_file, request_purge

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="5"/></svg>'


def real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def real_image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def upload_root(settings, tmp_path: Path) -> Path:
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.UPLOAD_ROOT


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_letter(client, name: str, content: bytes, content_type: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/privacy/request/written/",
        {
            "company": "Acme AS",
            "full_name": "Kari Nordmann",
            "email": "kari@example.org",
            "processor_name": "Kontoportal s.r.o.",
            "details": "Jeg trekker mitt samtykke tilbake.",
            "signed_letter": SimpleUploadedFile(name, content, content_type=content_type),
        },
        HTTP_ACCEPT_LANGUAGE="da",
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("letter.pdf", real_pdf(), "application/pdf"),
        ("scan.PNG", real_image("PNG"), "image/png"),
        ("photo.jpeg", real_image("JPEG"), "image/jpeg"),
    ],
)
def test_gdpr7_real_pdf_png_and_jpeg_letters_are_stored_under_a_random_name_outside_the_web_root(
    public_client, upload_root, name, content, content_type
):
    response = post_letter(public_client, name, content, content_type)

    assert response.status_code == 302
    request = PrivacyRequest.objects.get()
    files = stored_files(upload_root)
    assert len(files) == 1 and files[0].read_bytes() == content
    # the sender's file name never reaches the disk; it is kept as metadata only
    assert Path(name).stem not in files[0].name and len(files[0].stem) == 32
    assert request.signed_letter_name == name
    # nothing under MEDIA_ROOT, and no URL exists for the letter
    assert not stored_files(Path(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        _ = request.signed_letter.url


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("letter.html", HTML, "text/html"),
        ("signature.svg", SVG, "image/svg+xml"),
        ("letter.pdf", HTML, "application/pdf"),  # HTML renamed to .pdf
        ("letter.pdf", b"%PDF-1.7\n" + HTML, "application/pdf"),  # a PDF header on HTML
        ("letter.png", b"\x89PNG\r\n\x1a\n" + HTML, "image/png"),  # a PNG signature on HTML
        ("letter.jpg", b"", "image/jpeg"),
    ],
)
def test_gdpr7_upload_that_is_not_really_a_pdf_png_or_jpeg_is_refused_and_nothing_is_stored(
    public_client, upload_root, mailoutbox, name, content, content_type
):
    response = post_letter(public_client, name, content, content_type)

    assert response.status_code == 200
    text = response.content.decode()
    assert "Upload det underskrevne brev som en PDF-, PNG- eller JPEG-fil." in text or "tom" in text
    assert not PrivacyRequest.objects.exists()
    assert not stored_files(upload_root)
    assert not mailoutbox


def test_gdpr7_upload_over_10_mb_is_refused_with_the_limit_named_and_nothing_is_stored(
    public_client, upload_root, mailoutbox
):
    pdf = real_pdf()
    too_big = pdf + b"\n%" + b"0" * (10 * 1024 * 1024 - len(pdf))  # a valid PDF, one byte over 10 MB

    response = post_letter(public_client, "letter.pdf", too_big, "application/pdf")

    assert response.status_code == 200
    assert "Filen er for stor. Upload en fil på højst 10 MB." in response.content.decode()
    assert not PrivacyRequest.objects.exists()
    assert not stored_files(upload_root)
    assert not mailoutbox


def test_gdpr7_upload_limit_follows_the_setting(public_client, upload_root, settings):
    settings.UPLOAD_MAX_MB = 1
    pdf = real_pdf()

    response = post_letter(public_client, "letter.pdf", pdf + b"%" * (1024 * 1024), "application/pdf")

    assert "højst 1 MB" in response.content.decode()
    assert not PrivacyRequest.objects.exists()


def test_gdpr7_service_refuses_a_disguised_letter_whatever_the_caller(upload_root):
    with pytest.raises(ValidationError):
        request_file(
            kind="consent_withdrawal",
            channel="written",
            email="kari@example.org",
            full_name="Kari Nordmann",
            language="nb",
            details="Stop",
            company="Acme",
            processor_name="Kontoportal s.r.o.",
            signed_letter=SimpleUploadedFile("letter.pdf", HTML, content_type="application/pdf"),
        )
    assert not stored_files(upload_root)


def _filed_with_letter(client) -> PrivacyRequest:  # type: ignore[no-untyped-def]
    assert post_letter(client, "letter.pdf", real_pdf(), "application/pdf").status_code == 302
    return PrivacyRequest.objects.get()


def test_gdpr7_purging_an_unverified_request_deletes_its_letter_from_disk(
    public_client, upload_root, django_capture_on_commit_callbacks
):
    request = _filed_with_letter(public_client)
    path = Path(request.signed_letter.path)
    assert path.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        request_purge(request=request)

    assert not PrivacyRequest.objects.exists()
    assert not path.exists() and not stored_files(upload_root)


def test_gdpr7_retention_job_deletes_letters_of_stale_unverified_requests(
    public_client, upload_root, django_capture_on_commit_callbacks
):
    request = _filed_with_letter(public_client)
    path = Path(request.signed_letter.path)

    with django_capture_on_commit_callbacks(execute=True):
        retention(at=now() + timedelta(days=29), dry_run=False)
    assert path.is_file()  # 29 days: still kept

    with django_capture_on_commit_callbacks(execute=True):
        report = retention(at=now() + timedelta(days=31), dry_run=False)

    assert report.counts.get("unverified_requests") == 1
    assert not path.exists() and not stored_files(upload_root)


def test_gdpr7_retention_job_deletes_letters_of_requests_closed_5_years_ago(
    public_client, upload_root, django_capture_on_commit_callbacks
):
    request = _filed_with_letter(public_client)
    path = Path(request.signed_letter.path)
    closed = now()
    PrivacyRequest.objects.filter(pk=request.pk).update(status=RequestStatus.COMPLETED, closed_at=closed)

    with django_capture_on_commit_callbacks(execute=True):
        report = retention(at=closed + timedelta(days=5 * 366), dry_run=False)

    assert report.counts.get("closed_requests") == 1
    assert not PrivacyRequest.objects.exists()
    assert not path.exists() and not stored_files(upload_root)


def test_gdpr7_dry_run_of_the_retention_job_keeps_the_letter(public_client, upload_root):
    request = _filed_with_letter(public_client)

    retention(at=now() + timedelta(days=31), dry_run=True)

    assert Path(request.signed_letter.path).is_file()


def test_gdpr7_staff_download_the_letter_through_the_admin_and_nobody_else_can(public_client, upload_root, staff_user):
    request = _filed_with_letter(public_client)
    letter_url = f"/admin/privacy/privacyrequest/{request.pk}/letter/"

    assert public_client.get(letter_url).status_code == 302  # to the admin login
    public_client.force_login(staff_user)
    page = public_client.get(f"/admin/privacy/privacyrequest/{request.pk}/change/")
    assert page.status_code == 200 and letter_url in page.content.decode()
    response = public_client.get(letter_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == Path(request.signed_letter.path).read_bytes()


def test_gdpr7_request_body_over_the_limit_is_refused_before_it_is_read(public_client, upload_root, mailoutbox):
    # 12 MB: over the upload limit plus 1 MB for the form (what nginx's client_max_body_size says)
    response = post_letter(public_client, "letter.pdf", real_pdf() + b"%" * (12 * 1024 * 1024), "application/pdf")

    assert response.status_code == 413
    assert "Forespørgslen er for stor. Upload en fil på højst 10 MB." in response.content.decode()
    assert not PrivacyRequest.objects.exists()
    assert not stored_files(upload_root)
    assert not mailoutbox
