"""SUB-1, SUB-2, SUB-4: the public registry, its versions, JSON and Atom, the page cache."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import jsonschema
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from subprocessors.schema import REGISTRY_SCHEMA
from subprocessors.services import registry_publish
from subprocessors.tests.conftest import entry_make, later

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(accounts_ready):
    entry_make("nordhost-eu", region="EU", legal_entity="Nordhost EU ApS")
    entry_make("nordhost-uk", region="UK", legal_entity="Nordhost UK Ltd", processing_location="London, United Kingdom")
    entry_make("voip", region="ALL", group="service", legal_entity="Fonia Telecom AS")
    with time_machine.travel(datetime(2019, 10, 28, 9, tzinfo=UTC), tick=False):
        return registry_publish(actor="staff@example.test")


def test_sub1_public_page_lists_groups_entries_and_last_updated_date_in_danish(public_client, published):
    response = public_client.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="da")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Underdatabehandlere" in html
    assert "28. oktober 2019" in html
    for text in ("Nordhost EU ApS", "Aarhus, Denmark", "ISO 27001, PCI DSS", "Driver servere.", "Fonia Telecom AS"):
        assert text in html
    assert "Tier III+" in html


def test_sub1_public_page_in_norwegian(public_client, published):
    html = public_client.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Sist oppdatert 28. oktober 2019" in html
    assert "Drifter servere." in html


def test_sub2_region_filter_shows_that_region_and_global_entries_only(public_client, published):
    html = public_client.get("/subprocessors/?region=UK").content.decode()
    assert "Nordhost UK Ltd" in html and "Fonia Telecom AS" in html
    assert "Nordhost EU ApS" not in html


def test_sub4_publish_numbers_versions_and_records_added_removed_changed(published):
    entry_make("late", region="US", start=later(31))
    from subprocessors.models import SubProcessor

    SubProcessor.objects.filter(key="nordhost-uk").update(listed=False)
    SubProcessor.objects.filter(key="voip").update(processing_location="Oslo, Norway")
    version = registry_publish(actor="staff@example.test")
    assert version.number == 2
    assert [item["key"] for item in version.changes["added"]] == ["late"]
    assert [item["key"] for item in version.changes["removed"]] == ["nordhost-uk"]
    assert version.changes["changed"][0]["fields"] == [
        {"field": "processing_location", "before": "Aarhus, Denmark", "after": "Oslo, Norway"}
    ]


def test_sub4_publishing_nothing_new_is_refused(published):
    with pytest.raises(ValidationError):
        registry_publish(actor="staff@example.test")


def test_sub4_new_subprocessor_starting_within_30_days_is_refused(published):
    entry_make("rushed", start=later(29))
    with pytest.raises(ValidationError) as refused:
        registry_publish(actor="staff@example.test")
    assert "30" in str(refused.value)


def test_sub4_earlier_version_has_permanent_page_with_diff(public_client, published):
    entry_make("newco", region="EU", legal_entity="Newco Cloud ApS", start=later(40))
    registry_publish(actor="staff@example.test")
    page = public_client.get("/subprocessors/versions/2/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Tilføjet" in page and "Newco Cloud ApS" in page
    old = public_client.get("/subprocessors/versions/1/")
    assert old.status_code == 200 and "Newco Cloud ApS" not in old.content.decode()
    assert public_client.get("/subprocessors/versions/9/").status_code == 404


def test_sub4_json_current_and_per_version_validate_against_published_schema(public_client, published):
    entry_make("newco", start=later(40))
    registry_publish(actor="staff@example.test")
    schema = public_client.get("/subprocessors/schema.json").json()
    assert schema == json.loads(json.dumps(REGISTRY_SCHEMA))
    jsonschema.Draft202012Validator.check_schema(schema)
    for url in ("/subprocessors/registry.json", "/subprocessors/versions/1.json", "/subprocessors/versions/2.json"):
        data = public_client.get(url).json()
        jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    current = public_client.get("/subprocessors/registry.json").json()
    assert current["version"] == 2 and current["changes"]["added"][0]["key"] == "newco"
    assert {
        "key",
        "legal_entity",
        "registered_address",
        "purpose",
        "processing_location",
        "region",
        "data_categories",
        "certifications",
        "transfer_mechanism",
        "start_date",
    } <= set(current["entries"][0])


def test_sub4_json_validates_before_anything_is_published(public_client):
    jsonschema.validate(public_client.get("/subprocessors/registry.json").json(), REGISTRY_SCHEMA)


def test_sub4_atom_feed_is_valid_atom_with_one_entry_per_version(public_client, published):
    entry_make("newco", legal_entity="Newco Cloud ApS", start=later(40))
    registry_publish(actor="staff@example.test")
    response = public_client.get("/subprocessors/feed.atom", HTTP_ACCEPT_LANGUAGE="nb")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287 4.1.1: a feed has exactly one id, title and updated; each entry too (4.1.2).
    for element in (feed, *feed.findall(f"{ATOM}entry")):
        for required in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{required}")) == 1, required
        datetime.fromisoformat(element.find(f"{ATOM}updated").text)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    assert entries[0].find(f"{ATOM}link").get("href").endswith("/subprocessors/versions/2/")
    assert "Newco Cloud ApS" in entries[0].find(f"{ATOM}summary").text


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_sub1_registry_page_query_count_is_constant_whatever_entries_and_versions(
    public_client, published, django_assert_num_queries
):
    from subprocessors.services import page_cache_clear

    small = _queries(public_client, "/subprocessors/")
    hit = _queries(public_client, "/subprocessors/")
    # The registry costs two reads (latest version, history), never one per entry; the search_path
    # is set once per request (TENANT_LIMIT_SET_CALLS).
    assert small - hit == 2
    for n in range(40):
        entry_make(f"bulk-{n}", region=["EU", "UK", "US", "APAC"][n % 4], start=later(60))
        if n % 4 == 0:
            registry_publish(actor="staff@example.test")
    page_cache_clear()
    with django_assert_num_queries(small):  # 40 entries, 11 versions: the same count as 3 entries, 1 version
        html = public_client.get("/subprocessors/").content.decode()
    assert html.count("<tr data-region=") == 40  # the last three bulk entries are not published yet
    # Cached afterwards: the registry itself costs no query at all.
    with django_assert_num_queries(hit):
        public_client.get("/subprocessors/")


def test_sub4_page_is_cached_per_language_and_cleared_on_publish(
    public_client, published, django_capture_on_commit_callbacks
):
    da = public_client.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    nb = public_client.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Underdatabehandlere" in da and "Sist oppdatert" in nb and "Sidst opdateret" in da
    entry_make("newco", legal_entity="Newco Cloud ApS", start=later(40))
    # A draft change is not public: the page shows the published version (from the cache).
    assert "Newco Cloud ApS" not in public_client.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        registry_publish(actor="staff@example.test")
    for language in ("da", "nb"):
        assert "Newco Cloud ApS" in public_client.get("/subprocessors/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_sub4_version_page_shows_changed_fields_before_and_after(public_client, published):
    from subprocessors.models import SubProcessor

    SubProcessor.objects.filter(key="voip").update(processing_location="Oslo, Norway", data_categories=["calls"])
    registry_publish(actor="staff@example.test")
    html = public_client.get("/subprocessors/versions/2/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Endret" in html and "Behandlingssted" in html
    assert "<del>Aarhus, Denmark</del>" in html and "<ins>Oslo, Norway</ins>" in html
    assert "<del>Konto- og brukeropplysninger, Saker, chatter og meldinger</del>" in html
    assert "<ins>Telefonsamtaler og opptak</ins>" in html


def test_sub2_unknown_region_filter_shows_every_region(public_client, published):
    html = public_client.get("/subprocessors/?region=<script>").content.decode()
    assert "Nordhost EU ApS" in html and "Nordhost UK Ltd" in html and "<script>" not in html
