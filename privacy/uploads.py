"""Uploaded signed letters (GDPR-3, GDPR-7): checked by content, kept out of any web root,
deleted with their request.

The type is decided by the bytes, not by the name or the browser's Content-Type: a PDF must
parse as a PDF with at least one page, an image must be a PNG or JPEG that Pillow verifies.
Anything else (HTML, SVG, a renamed script) is refused before anything is stored.
"""

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader

from config.bad_input import upload_size_check

PDF = "pdf"
PNG = "png"
JPEG = "jpg"


class PrivateUploadStorage(FileSystemStorage):
    """Files under UPLOAD_ROOT (never MEDIA_ROOT, never served): no URL exists for them."""

    # Read on each use, not cached: the setting decides even after the field was built.
    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.UPLOAD_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Uploaded letters are not served by URL.")


def private_storage() -> PrivateUploadStorage:
    return PrivateUploadStorage()


def letter_path(instance: Any, filename: str) -> str:
    """A random name: the sender's file name never reaches the file system."""
    suffix = Path(filename).suffix.lower()
    return f"letters/{secrets.token_hex(16)}{suffix if suffix in {'.pdf', '.png', '.jpg'} else ''}"


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    return None


def _parses(file: Any, kind: str) -> bool:
    file.seek(0)
    try:
        if kind == PDF:
            return len(PdfReader(file).pages) > 0
        with Image.open(file) as image:
            expected = "PNG" if kind == PNG else "JPEG"
            image.verify()
            return image.format == expected
    except Exception:  # noqa: BLE001 - any parser failure means "not a real file of that type"
        return False
    finally:
        file.seek(0)


def letter_check(file: Any) -> str:
    """Refuse an upload over the size limit or not really a PDF, PNG or JPEG; return its type.
    The file's name is replaced by a neutral one with the right extension."""
    upload_size_check(file)
    file.seek(0)
    kind = _sniff(file.read(16))
    if kind is None or not _parses(file, kind):
        raise ValidationError(_("Upload the signed letter as a PDF, PNG or JPEG file."), code="wrong_type")
    file.name = f"letter.{kind}"
    return kind


def letter_delete_on_commit(name: str) -> None:
    """Delete a stored letter once the transaction that dropped its request commits (a rollback
    keeps both)."""
    if name:
        transaction.on_commit(lambda: private_storage().delete(name))
