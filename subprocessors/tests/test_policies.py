"""ACC-14: versioned, sanitised policy texts; archived versions public; Min konto notice, recorded as seen."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from config.clock import today
from subprocessors.models import PolicySeen, PolicyVersion
from subprocessors.selectors import markdown_sanitised, policy_current
from subprocessors.services import policy_publish
from subprocessors.tests.conftest import login

pytestmark = pytest.mark.django_db


def policy_make(
    kind: str = "terms", *, effective: date, body: str = "## Terms\nText.", publish: bool = True
) -> PolicyVersion:
    policy = PolicyVersion.objects.create(
        kind=kind,
        title_en="Terms of service",
        title_da="Servicevilkår",
        title_nb="Tjenestevilkår",
        body_en=body,
        body_da=body.replace("Text", "Tekst"),
        body_nb=body.replace("Text", "Tekst på norsk"),
        effective_date=effective,
    )
    return policy_publish(policy=policy) if publish else policy


def test_acc14_staff_markdown_with_script_tags_is_sanitised():
    html = markdown_sanitised(
        '## Hi\n<script>alert("x")</script>\n\n<img src=x onerror="alert(1)"> [ok](javascript:alert(1)) **bold**'
    )
    assert "<script" not in html and "alert(" not in html and "onerror" not in html and "javascript:" not in html
    assert "<h2>Hi</h2>" in html and "<strong>bold</strong>" in html


def test_acc14_versions_are_numbered_and_the_newest_in_effect_is_current(accounts_ready):
    first = policy_make(effective=date(2019, 10, 28))
    second = policy_make(effective=today() + timedelta(days=10))
    assert (first.number, second.number) == (1, 2)
    assert policy_current("terms") == first  # the second is posted but not yet in effect
    third = policy_make(effective=today())
    assert policy_current("terms") == third


def test_acc14_drafts_are_not_public(public_client, accounts_ready):
    policy_make(effective=date(2019, 1, 1), body="Secret draft", publish=False)
    assert policy_current("terms") is None
    assert "Secret draft" not in public_client.get("/terms/").content.decode()


def test_acc14_terms_page_and_archived_versions_are_public_in_each_language(public_client, accounts_ready):
    policy_make(effective=date(2019, 10, 28), body="## Old\nText one.")
    policy_make(effective=date(2026, 1, 1), body="## New\nText two.<script>bad()</script>")
    current = public_client.get("/terms/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Tekst på norsk two." in current and "Versjon 2" in current and "bad()" not in current
    old = public_client.get("/policies/terms/1/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Tekst one." in old and "Arkiveret version" in old
    assert public_client.get("/policies/terms/7/").status_code == 404
    assert public_client.get("/policies/nonsense/1/").status_code == 404


def test_acc14_minkonto_shows_a_new_terms_version_until_marked_seen(client_a, account_a):
    policy = policy_make(effective=today())
    client = login(client_a, "owner@alfa.dk")
    html = client.get("/min-konto/").content.decode()
    assert "Vores servicevilkår er ændret." in html and f"/policies/terms/{policy.number}/" in html
    client.post(f"/min-konto/terms/{policy.number}/seen/")
    seen = PolicySeen.objects.get()
    assert (seen.account, seen.policy, seen.seen_by) == (account_a, policy, "owner@alfa.dk")
    assert "Vores servicevilkår er ændret." not in client.get("/min-konto/").content.decode()
    newer = policy_make(effective=today())
    assert f"/policies/terms/{newer.number}/" in client.get("/min-konto/").content.decode()


def test_acc14_terms_notice_renders_nothing_without_a_policy_or_an_account(accounts_ready):
    request = RequestFactory().get("/")
    assert render_to_string("subprocessors/minkonto/terms_notice.html", {"request": request}).strip() == ""
    assert render_to_string("subprocessors/minkonto/terms_notice.html", {}).strip() == ""


def test_acc14_data_processing_text_is_offered_to_the_privacy_page(accounts_ready):
    policy = policy_make("data-processing", effective=date(2019, 10, 28))
    assert policy_current("data-processing") == policy
    assert policy_current("terms") is None
