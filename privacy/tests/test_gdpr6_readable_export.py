"""GDPR-6 (Art. 12(1)): the export PDF is a document the person reads in their language — no
machine keys, codes, Python dicts or ISO timestamps; long values wrap instead of being cut off.
One page of each language is kept as a picture in var/test-artifacts/ to look at the layout."""

import io
import json
import re
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation
from django.utils.functional import Promise
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from accounts.users.models import Role, User
from accounts.workspace.models import LoginRecord
from billing.models import BillingProfile, Document, DocumentKind, DocumentStatus
from conftest import PASSWORD
from privacy import registry
from privacy.links import verify_token
from privacy.models import Consent, ConsentPurpose, ConsentSource, Export, RequestKind
from privacy.services.export import export_create
from privacy.services.intake import request_file
from privacy.services.verification import verify_by_link

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
EMAIL = "kari.nordmann@example.org"
# 13:07:09.123456 UTC is 14:07 in Copenhagen (winter time).
AT = datetime(2026, 3, 5, 13, 7, 9, 123456, tzinfo=UTC)
IPV6 = "2001:db8:85a3:1234:5678:8a2e:370:7334"
VAT = "NO923456789MVA"
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
# What a machine would print: keys of the sources and of the buyer snapshot, and coded values.
RAW_KEYS = ("email", "full_name", "issued_at", "last_seen_at", "last_login", "gross_total", "vat_number", "vat_status")
RAW_CODES = ("credit_note", "True", "False", "owner", "marketing", "signup", "privacy/", "Europe/Copenhagen")
EXPECTED = {
    # heading of the login records' IP column, a role, a yes, the local time, an amount with its
    # currency, a document kind, a country
    "da": ("IP-adresse", "Administrator", "Ja", "14:07", "12.345,60 NOK", "Kreditnota", "Norge"),
    "nb": ("IP-adresse", "Administrator", "Ja", "14:07", "12 345,60 NOK", "Kreditnota", "Norge"),
}


@pytest.fixture
def person_everywhere(account_a):  # type: ignore[no-untyped-def]
    """A person with data in several sources: a login with its records in an account, the
    account's billing contact, the buyer on a credit note, and a consent."""
    with tenant_context(account_a):
        user = User.objects.create_user(EMAIL, PASSWORD, full_name="Kari Nordmann", role=Role.ADMIN)
        User.objects.filter(pk=user.pk).update(date_joined=AT, last_login=AT)
        LoginRecord.objects.create(
            user=user, at=AT, last_seen_at=AT, device_id="d1", user_agent=AGENT, ip=IPV6, network="2001:db8:85a3::/48"
        )
    connection.set_schema_to_public()
    BillingProfile.objects.update_or_create(
        account=account_a,
        defaults={
            "name": "Kari Nordmann",
            "company": "Nordlys Kundeservice AS",
            "street": "Storgata 1",
            "postcode": "0155",
            "city": "Oslo",
            "country": "NO",
            "email": EMAIL,
            "vat_number": VAT,
            "updated_at": AT,
        },
    )
    buyer = {
        "name": "Kari Nordmann",
        "company": "Nordlys Kundeservice AS",
        "street": "Storgata 1",
        "postcode": "0155",
        "city": "Oslo",
        "country": "NO",
        "email": EMAIL,
        "vat_number": VAT,
        "vat_status": "valid",
        "vies_consultation": "",
        "vies_checked_at": AT.isoformat(),
    }
    Document.objects.create(
        kind=DocumentKind.CREDIT_NOTE,
        status=DocumentStatus.ISSUED,
        account=account_a,
        sequence=17,
        number="K-2026-000017",
        issued_at=AT,
        currency="NOK",
        language="nb",
        buyer=buyer,
        gross_total=Decimal("12345.60"),
        created_at=AT,
    )
    Consent.objects.create(email=EMAIL, purpose=ConsentPurpose.MARKETING, given_at=AT, source=ConsentSource.SIGNUP)


def _export(language: str, capture) -> Export:  # type: ignore[no-untyped-def]
    # filed and answered while the desk works in the other language
    with translation.override("nb" if language == "da" else "da"):
        with capture(execute=True):
            request = request_file(kind=RequestKind.ACCESS, email=EMAIL, full_name="Kari Nordmann", language=language)
            request = verify_by_link(token=verify_token(request))
        with capture(execute=True):
            return export_create(request=request, actor=None)


def _export_pdf(language: str, capture) -> bytes:  # type: ignore[no-untyped-def]
    with _export(language, capture).pdf_file.open("rb") as handle:
        return handle.read()


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _screenshot(pdf: bytes, page: int, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile", source, ARTIFACTS / name],
        check=True,
    )
    return ARTIFACTS / f"{name}.png"


@pytest.mark.parametrize("language", ["da", "nb"])
def test_gdpr6_export_pdf_reads_as_a_document_in_the_requesters_language(
    language, person_everywhere, django_capture_on_commit_callbacks
):
    # when a verified access request of a person with data in several sources is answered
    pdf = _export_pdf(language, django_capture_on_commit_callbacks)
    pages = _pages(pdf)
    text = " ".join(" ".join(page.split()) for page in pages)
    # then no machine key, no code, no Python dict and no ISO or microsecond timestamp is printed
    assert not [k for k in RAW_KEYS if re.search(rf"\b{k}\b", text)], text
    assert not [c for c in RAW_CODES if re.search(rf"(?<![\w/]){re.escape(c)}(?!\w)", text)], text
    assert "{'" not in text and "'}" not in text
    assert not re.search(r"\d{4}-\d\d-\d\dT", text), text
    assert not re.search(r"\d\d:\d\d:\d\d\.\d{6}", text), text
    # and headings, values, local times and amounts read in the person's language
    assert not [w for w in EXPECTED[language] if w not in text], text
    # and the long values are there in full: nothing is cut off at the right margin
    joined = re.sub(r"\s+", "", text)
    for long_value in (IPV6, VAT, AGENT.replace(" ", ""), "NordlysKundeserviceAS", EMAIL):
        assert long_value in joined, long_value
    # and the buyer on the credit note reads as an address
    assert re.search(r"0155\s+Oslo", text), text
    # (a picture of the page with the data, to look at the layout)
    page = next(i for i, p in enumerate(pages, start=1) if VAT in re.sub(r"\s+", "", p))
    assert _screenshot(pdf, page, f"gdpr6-export-{language}").stat().st_size > 10_000


def test_gdpr6_export_json_keeps_machine_keys_and_describes_them_in_the_requesters_language(
    person_everywhere, django_capture_on_commit_callbacks
):
    # when a Danish-speaking person's export is made by a desk working in Norwegian
    export = _export("da", django_capture_on_commit_callbacks)
    with export.json_file.open("rb") as handle:
        data = json.loads(handle.read())
    logins = data["schema"]["accounts.logins"]
    # then the records keep their machine keys and values, for a program to read
    (place,) = [p for p in data["data"] if p["source"] == "accounts.logins"]
    assert place["records"][0]["ip"] == IPV6
    assert place["records"][0]["last_seen_at"] == AT.isoformat()
    # and each source and field is described in Danish
    assert logins["labels"]["ip"] == "IP-adresse"
    assert logins["fields"]["browser"] == "browserens user agent"
    assert logins["about"].startswith("Hvornår og fra hvilken browser")
    assert data["schema"]["billing.documents"]["fields"]["gross_total"] == "i alt inkl. moms"


def test_gdpr6_every_source_says_in_the_requesters_language_what_it_is_and_what_its_fields_are():
    # a source registered without its sentence, or with a field described in English only,
    # would print an English line or a machine key in a Danish or Norwegian export
    untranslated = []
    for source in registry.sources():
        texts = {"label": source.label, "about": source.about, **source.fields, **source.labels}
        untranslated += [f"{source.key}: {name}" for name, text in texts.items() if not isinstance(text, Promise)]
        if not source.fields:
            untranslated.append(f"{source.key}: no field described")
    assert untranslated == []
