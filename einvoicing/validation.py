"""XSD and CEN EN 16931 schematron validation of UBL and CII (BIL-14)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    rule_id: str
    flag: str  # "fatal" or "warning"
    message: str
    location: str


def validate_ubl(xml: bytes) -> list[Finding]:
    raise NotImplementedError


def validate_cii(xml: bytes) -> list[Finding]:
    raise NotImplementedError
