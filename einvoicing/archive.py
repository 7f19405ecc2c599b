"""The e-invoice archive (BIL-14): an issued document's UBL and CII, built once from its snapshot,
validated, and stored with their SHA-256 beside the PDF.

Building and validating take a while (XSLT): they run in the PDF task after the issue has
committed, outside any lock. Two tasks for the same document may both build; the first row
written wins (the document is unique) and the other's work is dropped. The row is immutable
(database trigger, migration 0001): what was validated is what is kept, and what is delivered.
"""

import hashlib
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction

from billing.models import Document
from config.clock import now
from einvoicing.cii import cii_xml
from einvoicing.models import EInvoice, ValidationStatus
from einvoicing.semantic import semantic_model
from einvoicing.ubl import ubl_xml
from einvoicing.validation import Finding, validate_cii, validate_ubl

log = logging.getLogger(__name__)

UBL_SYNTAX = "UBL 2.1, Peppol BIS Billing 3.0"
CII_SYNTAX = "UN/CEFACT CII D16B, Factur-X 1.0 EN 16931"
# The rule id of a finding the portal writes itself: the XML could not be built at all.
BUILD_FAILED = "KONTO-BUILD"


def sha256(xml: str) -> str:
    return hashlib.sha256(xml.encode("utf-8")).hexdigest()


def _finding(syntax: str, finding: Finding) -> dict[str, str]:
    return {
        "syntax": syntax,
        "rule_id": finding.rule_id,
        "flag": finding.flag,
        "message": finding.message,
        "location": finding.location,
    }


def _checked(
    syntax: str, build: Callable[[], bytes], validate: Callable[[bytes], list[Finding]]
) -> tuple[str, str, list[dict[str, str]]]:
    """(xml, status, findings) of one syntax; a builder or validator that fails is a fatal finding."""
    try:
        xml = build()
        findings = [_finding(syntax, f) for f in validate(xml)]
    except Exception as exc:  # noqa: BLE001 - any failure is recorded for staff, never lost
        log.exception("%s could not be built or validated", syntax)
        return "", ValidationStatus.INVALID, [_finding(syntax, Finding(BUILD_FAILED, "fatal", repr(exc), ""))]
    status = ValidationStatus.INVALID if any(f["flag"] == "fatal" for f in findings) else ValidationStatus.VALID
    return xml.decode("utf-8"), status, findings


def einvoice_build(document: Document) -> EInvoice:
    """The unsaved e-invoice of an issued document: one semantic model, two syntaxes, validated."""
    try:
        model = semantic_model(document)
    except Exception as exc:  # noqa: BLE001 - recorded as a fatal finding of both syntaxes
        log.exception("No semantic model for %s", document)
        failed = Finding(BUILD_FAILED, "fatal", repr(exc), "")
        return EInvoice(
            document=document,
            ubl_syntax=UBL_SYNTAX,
            ubl_status=ValidationStatus.INVALID,
            cii_syntax=CII_SYNTAX,
            cii_status=ValidationStatus.INVALID,
            findings=[_finding(UBL_SYNTAX, failed), _finding(CII_SYNTAX, failed)],
            created_at=now(),
        )
    ubl, ubl_status, ubl_findings = _checked(UBL_SYNTAX, lambda: ubl_xml(model), validate_ubl)
    cii, cii_status, cii_findings = _checked(CII_SYNTAX, lambda: cii_xml(model), validate_cii)
    return EInvoice(
        document=document,
        ubl_xml=ubl,
        ubl_sha256=sha256(ubl) if ubl else "",
        ubl_syntax=UBL_SYNTAX,
        ubl_status=ubl_status,
        cii_xml=cii,
        cii_sha256=sha256(cii) if cii else "",
        cii_syntax=CII_SYNTAX,
        cii_status=cii_status,
        findings=ubl_findings + cii_findings,
        created_at=now(),
    )


def einvoice_ensure(document: Document) -> EInvoice:
    """The archived e-invoice of an issued document, built, validated and stored on first call."""
    existing = EInvoice.objects.filter(document=document).first()
    if existing is not None:
        return existing
    built = einvoice_build(document)
    try:
        with transaction.atomic():
            built.save()
    except IntegrityError:  # another task stored it first: theirs is the archived one
        return EInvoice.objects.get(document=document)
    if not built.is_valid:
        log.warning(
            "E-invoice of %s failed validation: %s",
            document,
            ", ".join(sorted({f["rule_id"] for f in built.fatal_findings})),
        )
    return built


def archived_xml(einvoice: EInvoice, syntax: str) -> bytes:
    """The stored XML ("ubl" or "cii"), checked against its hash."""
    text, digest = (
        (einvoice.ubl_xml, einvoice.ubl_sha256) if syntax == "ubl" else (einvoice.cii_xml, einvoice.cii_sha256)
    )
    if not text or sha256(text) != digest:
        raise ValueError(f"{einvoice.document}: stored {syntax} does not match its hash")
    return text.encode("utf-8")
