"""What the worker does after an issue's commit, for tests that follow a document to its e-mail:
each issued document's PDF rendered and stored (the real renderer), then the e-mail that carries
it (BIL-14: the document mail and a card payment's receipt wait for the PDF)."""

from typing import Any

from billing.pdf import document_pdf_store
from billing.selectors import documents_missing_pdf


def pdfs_rendered(capture: Any) -> None:
    """Render every issued document still without its PDF; `capture` is pytest-django's
    django_capture_on_commit_callbacks, so the mails go out as after a real commit."""
    with capture(execute=True):
        for document in documents_missing_pdf():
            document_pdf_store(document_id=document.pk)
