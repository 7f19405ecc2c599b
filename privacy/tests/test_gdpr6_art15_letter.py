"""GDPR-6: the Art. 15 cover letter of an export is built from the processing records and the
published sub-processor registry — (a)-(h) and the transfers of Art. 15(2), limited to what
applies to the data found for the person, with the controller, its DPO and both authorities.
The first page of each language is kept as a picture in var/test-artifacts/."""

import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from accounts.users.models import Role, User
from billing.reference import demo_seller_ensure
from conftest import PASSWORD
from privacy.demo import DEMO_RECORDS
from privacy.links import verify_token
from privacy.models import ConsentPurpose, ConsentSource, RequestKind
from privacy.records import ProcessingRecord
from privacy.registry import sources
from privacy.services.consents import consent_give
from privacy.services.export import export_create
from privacy.services.intake import request_file
from privacy.services.verification import verify_by_link
from subprocessors.models import SubProcessor, TransferMechanism
from subprocessors.selectors import entries_for_region, registry_current

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
EMAIL = "kari.nordmann@example.org"
TITLES = {record["title_da"]: record for record in DEMO_RECORDS}
SUPPORT, BILLING, NEWSLETTER, REQUESTS = (
    "Kundeforhold og support",
    "Fakturering",
    "Nyhedsbrev og tilbud",
    "Dine henvendelser om databeskyttelse",
)


@pytest.fixture
def demo_register(accounts_ready):  # type: ignore[no-untyped-def]
    call_command("load_registry_demo", stdout=io.StringIO())
    call_command("load_privacy_demo", stdout=io.StringIO())
    return demo_seller_ensure()


def _subscriber(account_b) -> None:  # type: ignore[no-untyped-def]
    consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)


def _agent_in_the_uk(account_b) -> None:  # type: ignore[no-untyped-def]
    _subscriber(account_b)
    with tenant_context(account_b):  # Bravo's data region is the UK
        User.objects.create_user(EMAIL, PASSWORD, full_name="Kari Nordmann", role=Role.AGENT)


def _letter(language: str, capture) -> tuple[bytes, str]:  # type: ignore[no-untyped-def]
    # filed and answered while the desk works in the other language
    with translation.override("nb" if language == "da" else "da"):
        with capture(execute=True):
            request = request_file(kind=RequestKind.ACCESS, email=EMAIL, full_name="Kari Nordmann", language=language)
            request = verify_by_link(token=verify_token(request))
        with capture(execute=True):
            export = export_create(request=request, actor=None)
    with export.pdf_file.open("rb") as handle:
        pdf = handle.read()
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    return pdf, text


def _between(text: str, language: str, start: str, end: str) -> str:
    """The part of the letter under one heading (headings as the reader sees them)."""
    with translation.override(language):
        start, end = gettext(start), gettext(end)
    return text[text.index(start) + len(start) : text.index(end)]


def _city(entry: dict) -> str:
    """The place of processing as a Danish reader finds it: the city, or the country in Danish."""
    place = entry["processing_location"]
    with translation.override("da"):
        return place.rpartition(",")[0] or gettext(place)


def _expected_entries(titles: list[str], regions: list[str]) -> list[dict]:
    """What the public registry publishes for the records that apply, in the person's regions:
    read through the registry's own selectors."""
    keys = {key for title in titles for key in TITLES[title]["registry_keys"]}
    entries = registry_current().entries
    in_regions = {e["key"]: e for region in regions for e in entries_for_region(entries, region)}
    return [entry for key, entry in in_regions.items() if key in keys]


@pytest.mark.parametrize(
    ("person", "applies", "regions"),
    [
        # a newsletter subscriber: public-schema data only, kept in the EU
        (_subscriber, [NEWSLETTER, REQUESTS], ["EU"]),
        # and an agent in an account in the UK data region
        (_agent_in_the_uk, [SUPPORT, NEWSLETTER, REQUESTS], ["EU", "UK"]),
    ],
)
def test_gdpr6_art15_letter_recipients_equal_the_registry_entries_that_apply(
    person, applies, regions, account_b, demo_register, django_capture_on_commit_callbacks
):
    person(account_b)
    _pdf, text = _letter("da", django_capture_on_commit_callbacks)
    recipients = _between(text, "da", "(c) Recipients", "Transfers to countries outside the EU/EEA (Art. 15(2))")
    expected = _expected_entries(applies, regions)
    # then every registry entry that applies is named, with where it processes the data ...
    assert expected, "the demo registry names recipients"
    for entry in expected:
        assert entry["legal_entity"] in recipients, entry["key"]
        assert _city(entry) in recipients, entry["key"]
    # ... and no other company: not the entries of other regions or of records that do not apply
    published = {e["legal_entity"] for e in registry_current().entries}
    named = {name for name in published if name in recipients}
    assert named == {e["legal_entity"] for e in expected}
    places = {_city(e) for e in expected}
    others = {_city(e) for e in registry_current().entries} - places
    assert not [place for place in others if place in recipients]
    assert "Nordlig Hosting" not in text and "Betalingsformidler" not in text
    # and (a), (b) and (d) name only the activities that cover the data found
    purposes = _between(text, "da", "(a) Purposes of the processing", "(b) Categories of personal data")
    assert [t for t in TITLES if t in purposes] == [t for t in TITLES if t in applies]
    assert BILLING not in text
    categories = _between(text, "da", "(b) Categories of personal data", "(c) Recipients")
    assert ("Telefonopkald og optagelser" in categories) == (SUPPORT in applies)


@pytest.mark.parametrize("language", ["da", "nb"])
def test_gdpr6_art15_letter_names_15_2_transfers_with_their_safeguards_for_each_recipient_outside_the_eea(
    language, account_b, demo_register, django_capture_on_commit_callbacks
):
    _agent_in_the_uk(account_b)
    _pdf, text = _letter(language, django_capture_on_commit_callbacks)
    transfers = _between(
        text, language, "Transfers to countries outside the EU/EEA (Art. 15(2))", "(d) How long the data is kept"
    )
    expected = _expected_entries([SUPPORT, NEWSLETTER, REQUESTS], ["EU", "UK"])
    with translation.override(language):
        mechanisms = {value: gettext(str(label)) for value, label in TransferMechanism.choices}
        usa = gettext("United States")
    outside = [e for e in expected if e["transfer_mechanism"] != TransferMechanism.EEA]
    inside = [e for e in expected if e["transfer_mechanism"] == TransferMechanism.EEA]
    assert outside and inside
    # then each recipient outside the EEA is named with its safeguard, in the reader's language
    for entry in outside:
        assert entry["legal_entity"] in transfers, entry["key"]
        assert mechanisms[entry["transfer_mechanism"]] in transfers, entry["key"]
    # a company in the USA under the Data Privacy Framework: the third country is the USA
    assert re.search(rf"Twilio, Inc\. {usa} {re.escape(mechanisms['dpf'])}", transfers), transfers
    # one in Ukraine under standard contractual clauses
    assert re.search(rf"Quality Unit Ukraine \w+ {re.escape(mechanisms['scc'])}", transfers), transfers
    # and recipients inside the EEA are not said to be transfers
    for entry in inside:
        assert entry["legal_entity"] not in transfers, entry["key"]


@pytest.mark.parametrize(
    ("language", "local_authority"), [("da", "https://www.datatilsynet.dk"), ("nb", "https://www.datatilsynet.no")]
)
def test_gdpr6_art15_letter_gives_controller_dpo_both_authorities_and_absolute_links(
    language, local_authority, account_b, demo_register, django_capture_on_commit_callbacks, settings
):
    _subscriber(account_b)
    seller = demo_register
    pdf, text = _letter(language, django_capture_on_commit_callbacks)
    # the controller as on the invoices, and its data protection officer
    assert seller.legal_name in text and seller.company_id in text and seller.vat_number in text
    assert settings.PRIVACY_DPO["email"] in text
    # the seller's authority in Slovakia and the person's own, with the right to complain
    assert "Úrad na ochranu osobných údajov" in text
    joined = re.sub(r"\s+", "", text)
    assert local_authority in joined and "Datatilsynet" in text
    other = "https://www.datatilsynet.no" if language == "da" else "https://www.datatilsynet.dk"
    assert other not in joined
    # links a reader can follow from a PDF: absolute, to the registry and the data-processing page
    base = f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}"
    assert re.search(rf"{re.escape(base)}(:\d+)?/subprocessors/", joined), text
    assert re.search(rf"{re.escape(base)}(:\d+)?/data-processing/", joined), text
    assert not re.search(r"(?<![\w:/.])/subprocessors/", text)
    # signed by the controller
    with translation.override(language):
        assert f"{gettext('Kind regards,')} {seller.legal_name}" in text
    # (a picture of the first page, to look at)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / f"gdpr6-art15-letter-{language}.pdf"
    source.write_bytes(pdf)
    target = ARTIFACTS / f"gdpr6-art15-letter-{language}"
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", source, target], check=True)
    assert list(ARTIFACTS.glob(f"gdpr6-art15-letter-{language}-*.png"))


def test_gdpr6_demo_processing_records_name_entries_of_the_demo_registry_and_cover_every_source(demo_register):
    # one source of truth: every recipient of the demo register is an entry of the demo registry
    named = {key for record in DEMO_RECORDS for key in record["registry_keys"]}
    assert named <= set(SubProcessor.objects.values_list("key", flat=True))

    # and every source of personal data belongs to at least one processing activity, so no
    # export goes out with a letter that leaves its data unexplained
    def covered(key: str) -> bool:
        return any(key == k or key.startswith(f"{k}.") for r in DEMO_RECORDS for k in r["source_keys"])

    assert [s.key for s in sources() if not covered(s.key)] == []


def test_gdpr6_a_processing_record_naming_a_company_outside_the_registry_is_refused(demo_register):
    # staff editing the register in the admin cannot name a recipient the public registry lacks
    record = ProcessingRecord(**{**TITLES[BILLING], "registry_keys": ["linode-eu", "nordlig-hosting"]})
    with pytest.raises(ValidationError) as refused:
        record.full_clean()
    assert refused.value.message_dict["registry_keys"] == [
        "Står ikke i registret over underdatabehandlere: nordlig-hosting"
    ]
    record.registry_keys = ["linode-eu"]
    record.full_clean()
