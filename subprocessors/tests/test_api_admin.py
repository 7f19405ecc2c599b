"""SUB-3, SUB-4: the staff API (registry public, subscriptions and DPA requests for staff), the
staff admin's publish page, and the demo loader."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from subprocessors.models import DpaStatus, PolicyVersion, RegistryVersion, SubProcessor
from subprocessors.services import dpa_request, registry_publish, subscriber_subscribe
from subprocessors.tests.conftest import entry_make

pytestmark = pytest.mark.django_db


def test_sub4_api_registry_is_public_and_read_only(public_client, accounts_ready):
    entry_make("host-eu")
    registry_publish(actor="staff@example.test")
    response = public_client.get("/api/v1/subprocessors/versions/1/")
    assert response.status_code == 200 and response.json()["entries"][0]["key"] == "host-eu"
    assert public_client.post("/api/v1/subprocessors/versions/", {}).status_code in (401, 403, 405)


def test_sub4_api_subscribers_and_sub3_dpa_requests_are_staff_only(public_client, staff_user, account_a):
    subscriber_subscribe(email="dpo@example.test", language="da")
    dpa = dpa_request(account=account_a, actor="owner@alfa.dk")
    assert public_client.get("/api/v1/subprocessors/subscribers/").status_code == 401
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=staff_user).key}"}
    assert (
        public_client.get("/api/v1/subprocessors/subscribers/", **auth).json()["results"][0]["email"]
        == "dpo@example.test"
    )
    rows = public_client.get("/api/v1/subprocessors/dpa-requests/", **auth).json()["results"]
    assert rows[0]["account"] == "alfa" and rows[0]["status"] == "requested"
    url = f"/api/v1/subprocessors/dpa-requests/{dpa.pk}/signed/"
    response = public_client.post(url, {"signed_version": "2026-1", "signed_on": "2026-11-20"}, **auth)
    assert response.status_code == 200 and response.json()["status"] == DpaStatus.SIGNED
    assert public_client.post(url, {"signed_version": "2026-2", "signed_on": "2026-11-21"}, **auth).status_code == 409


def test_sub4_staff_publish_from_the_admin(public_client, staff_user):
    entry_make("host-eu", legal_entity="Host EU ApS")
    public_client.force_login(staff_user)
    page = public_client.get("/admin/subprocessors/subprocessor/publish/")
    assert page.status_code == 200 and "Host EU ApS" in page.content.decode()
    public_client.post("/admin/subprocessors/subprocessor/publish/", {"note": "First list"})
    assert RegistryVersion.objects.get().note == "First list"
    assert public_client.get("/admin/subprocessors/subprocessor/").status_code == 200


def test_sub1_demo_loader_is_idempotent(accounts_ready):
    call_command("load_registry_demo", stdout=open("/dev/null", "w"))
    counts = (SubProcessor.objects.count(), RegistryVersion.objects.count(), PolicyVersion.objects.count())
    call_command("load_registry_demo", stdout=open("/dev/null", "w"))
    assert (SubProcessor.objects.count(), RegistryVersion.objects.count(), PolicyVersion.objects.count()) == counts
    first = RegistryVersion.objects.get(number=1)
    assert first.published_at.date().isoformat() == "2019-10-28"
    regions = {entry["region"] for entry in first.entries}
    assert {"EU", "UK", "US", "APAC"} <= regions


def test_acc14_staff_publish_policy_drafts_and_every_admin_page_opens(public_client, staff_user, account_a):
    from subprocessors.services import objection_raise
    from subprocessors.tests.conftest import later

    call_command("load_registry_demo", stdout=open("/dev/null", "w"))
    entry_make("late", start=later(40))
    registry_publish(actor="staff@example.test")
    from subprocessors.models import Notice

    objection_raise(account=account_a, notice_id=Notice.objects.get(key="late").pk, actor="owner@alfa.dk", reason="No")
    dpa_request(account=account_a, actor="owner@alfa.dk")
    subscriber_subscribe(email="dpo@example.test", language="da")
    draft = PolicyVersion.objects.create(
        kind="terms",
        title_en="T",
        title_da="T",
        title_nb="T",
        body_en="b",
        body_da="b",
        body_nb="b",
        effective_date="2026-12-01",
    )
    public_client.force_login(staff_user)
    public_client.post("/admin/subprocessors/policyversion/", {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.number == 3 and draft.published_at is not None
    for model in (
        "subprocessor",
        "registryversion",
        "subscriber",
        "objection",
        "dparequest",
        "policyversion",
        "supportaccessconsent",
    ):
        assert public_client.get(f"/admin/subprocessors/{model}/").status_code == 200, model
    # the support-access trail is now the support view of the one audit trail
    assert public_client.get("/admin/core/auditevent/?domain__exact=support").status_code == 200
    from subprocessors.models import DpaRequest, Objection

    for model, pk in (
        ("policyversion", draft.pk),
        ("dparequest", DpaRequest.objects.get().pk),
        ("objection", Objection.objects.get().pk),
        ("subprocessor", SubProcessor.objects.first().pk),
    ):
        assert public_client.get(f"/admin/subprocessors/{model}/{pk}/change/").status_code == 200, model
