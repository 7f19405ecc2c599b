"""SUB-2, SUB-3, SUB-4 (objections), SUB-5 in Min konto."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context

from accounts.users.models import Role, User
from conftest import PASSWORD
from core.models import AuditDomain, AuditEvent
from core.transitions import IllegalTransition
from subprocessors.access import support_access_allowed
from subprocessors.models import DpaRequest, DpaStatus, Notice, Objection
from subprocessors.services import dpa_decline, dpa_record_signed, registry_publish
from subprocessors.tests.conftest import entry_make, later, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(accounts_ready):
    entry_make("host-eu", region="EU", legal_entity="Host EU ApS")
    entry_make("host-uk", region="UK", legal_entity="Host UK Ltd")
    entry_make("voip", region="ALL", group="service", legal_entity="Fonia Telecom AS")
    with time_machine.travel(datetime(2019, 10, 28, 9, tzinfo=UTC), tick=False):
        registry_publish(actor="staff@example.test")
    entry_make("newco-eu", region="EU", legal_entity="Newco EU ApS", start=later(40))
    entry_make("newco-uk", region="UK", legal_entity="Newco UK Ltd", start=later(40))
    return registry_publish(actor="staff@example.test")


def test_sub2_minkonto_lists_only_subprocessors_of_the_accounts_region(client_a, registry):
    html = login(client_a, "owner@alfa.dk").get("/min-konto/subprocessors/").content.decode()
    assert "Host EU ApS" in html and "Fonia Telecom AS" in html
    assert "Host UK Ltd" not in html
    assert "Underdatabehandlere for din konto" in html


def test_sub2_minkonto_menu_links_the_page(client_a, registry):
    html = login(client_a, "owner@alfa.dk").get("/min-konto/").content.decode()
    assert 'href="/min-konto/subprocessors/"' in html


def test_sub4_owner_objects_within_the_window_and_a_case_is_opened(client_a, account_a, registry):
    client = login(client_a, "owner@alfa.dk")
    html = client.get("/min-konto/subprocessors/").content.decode()
    notice = Notice.objects.get(key="newco-eu")
    assert "Newco EU ApS" in html and "Newco UK Ltd" not in html
    response = client.post(
        f"/min-konto/subprocessors/object/{notice.pk}/", {"reason": "Vi bruger ikke opkald."}, follow=True
    )
    assert "Din indsigelse er registreret" in response.content.decode()
    objection = Objection.objects.get()
    assert (objection.account, objection.raised_by, objection.status) == (account_a, "owner@alfa.dk", "open")


def test_sub4_forged_or_foreign_objection_changes_nothing(client_a, registry):
    client = login(client_a, "owner@alfa.dk")
    uk_notice = Notice.objects.get(key="newco-uk")
    for target in (uk_notice.pk, 999999, "x'; drop"):
        response = client.post(f"/min-konto/subprocessors/object/{target}/", {"reason": "Nej"}, follow=True)
        assert "Dette varsel findes ikke" in response.content.decode()
    assert not Objection.objects.exists()


def test_sub4_objection_refused_after_the_start_date(account_a, registry):
    from subprocessors.services import objection_raise

    notice = Notice.objects.get(key="newco-eu")
    with time_machine.travel(later(41)), pytest.raises(ValidationError):
        objection_raise(account=account_a, notice_id=notice.pk, actor="owner@alfa.dk", reason="Too late")
    assert not Objection.objects.exists()


def test_sub4_only_the_owner_can_object(client_a, account_a, registry):
    with tenant_context(account_a):
        User.objects.create_user("agent@alfa.dk", PASSWORD, full_name="Agnete Agent", role=Role.AGENT)
    client = login(client_a, "agent@alfa.dk")
    notice = Notice.objects.get(key="newco-eu")
    client.post(f"/min-konto/subprocessors/object/{notice.pk}/", {"reason": "Nej"})
    assert not Objection.objects.exists()


def test_sub3_owner_asks_for_dpa_once_and_staff_record_the_signed_version(client_a, account_a, registry):
    client = login(client_a, "owner@alfa.dk")
    client.post("/min-konto/subprocessors/dpa/")
    client.post("/min-konto/subprocessors/dpa/")
    request = DpaRequest.objects.get()
    assert request.status == DpaStatus.REQUESTED and request.requested_by == "owner@alfa.dk"
    dpa_record_signed(
        request=request, signed_version="2026-1", signed_on=date(2026, 11, 20), actor="staff@example.test"
    )
    html = client.get("/min-konto/subprocessors/").content.decode()
    assert "version 2026-1" in html
    with pytest.raises(IllegalTransition):
        dpa_decline(request=request, actor="staff@example.test")  # signed is final


def test_sub3_signing_needs_version_and_date(account_a):
    from subprocessors.services import dpa_request

    request = dpa_request(account=account_a, actor="owner@alfa.dk")
    with pytest.raises(ValidationError):
        dpa_record_signed(request=request, signed_version="", signed_on=None, actor="staff@example.test")
    request.refresh_from_db()
    assert request.status == DpaStatus.REQUESTED


def test_sub5_owner_grants_and_revokes_support_access_in_minkonto(client_a, account_a, registry):
    client = login(client_a, "owner@alfa.dk")
    assert "Ikke tilladt" in client.get("/min-konto/subprocessors/").content.decode()
    client.post("/min-konto/subprocessors/support-access/", {"granted": "1"})
    assert support_access_allowed(account_a)
    client.post("/min-konto/subprocessors/support-access/", {"granted": "0"})
    assert not support_access_allowed(account_a)
    assert list(
        AuditEvent.objects.filter(domain=AuditDomain.SUPPORT).order_by("id").values_list("action", flat=True)
    ) == ["granted", "revoked"]


def test_sub5_an_agent_cannot_change_support_access(client_a, account_a, registry):
    with tenant_context(account_a):
        User.objects.create_user("agent@alfa.dk", PASSWORD, full_name="Agnete Agent", role=Role.AGENT)
    login(client_a, "agent@alfa.dk").post("/min-konto/subprocessors/support-access/", {"granted": "1"})
    assert not support_access_allowed(account_a)


def test_sub4_owner_is_subscribed_by_default_and_can_stop_and_resume_notices(client_a, account_a, registry):
    from subprocessors.models import OwnerOptOut
    from subprocessors.services import notice_recipients

    notice = Notice.objects.get(key="newco-eu")
    assert "owner@alfa.dk" in {r["email"] for r in notice_recipients(notice)}
    client = login(client_a, "owner@alfa.dk")
    assert "Som ejer får du en e-mail" in client.get("/min-konto/subprocessors/").content.decode()
    client.post("/min-konto/subprocessors/notices/", {"subscribed": "0"})
    assert OwnerOptOut.objects.filter(account=account_a).exists()
    assert "owner@alfa.dk" not in {r["email"] for r in notice_recipients(notice)}
    client.post("/min-konto/subprocessors/notices/", {"subscribed": "1"})
    assert "owner@alfa.dk" in {r["email"] for r in notice_recipients(notice)}
