"""GDPR-10, GDPR-8: staff see what an erasure will touch before confirming it; the first click
changes nothing; an erasure that would leave an account in use without an Owner is held until
ownership passes on or staff close the account as part of the request; the erasure runs on the
worker, after the desk's transaction commits; every step is in the audit trail."""

from collections.abc import Iterator

import pytest
from django_tenants.utils import schema_exists, tenant_context

from accounts.models import AccountStatus, MailLog
from accounts.users.models import Role, User
from config.celery import app
from core.models import AuditEvent as TrailEvent
from privacy.audit import request_trail
from privacy.models import AuditAction, ErasureStep, Export, RequestKind, RequestStatus
from tests.acc_helpers import make_account

pytestmark = pytest.mark.django_db
OWNER = "ingrid@nordlys-kundeservice.no"
AGENT = "kari.nordmann@example.org"


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks run where they are sent (after commit); one test below uses the real worker."""
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


@pytest.fixture
def staff_client(client, staff_user):  # type: ignore[no-untyped-def]
    client.force_login(staff_user)
    client.defaults["HTTP_HOST"] = "localhost"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nb"
    return client


@pytest.fixture
def nordlys(accounts_ready):  # type: ignore[no-untyped-def]
    """An account in use, paid for, whose only user is its Owner (the issue's case)."""
    return make_account("nordlys", owner_email=OWNER, language="nb", status=AccountStatus.ACTIVE)


def _actions(request) -> list[str]:  # type: ignore[no-untyped-def]
    return list(request_trail(request).order_by("occurred_at", "id").values_list("action", flat=True))


def _owner_can_log_in(account) -> bool:  # type: ignore[no-untyped-def]
    with tenant_context(account):
        owner = User.objects.filter(role=Role.OWNER).first()
        return owner is not None and owner.is_active and owner.has_usable_password() and owner.email == OWNER


def test_gdpr10_erasure_of_the_only_owner_of_an_active_account_is_held_never_leaving_it_ownerless(
    nordlys, verified_request, staff_client, eager, mailoutbox, django_capture_on_commit_callbacks
):
    request = verified_request(OWNER, RequestKind.ERASURE)
    url = f"/admin/privacy/privacyrequest/{request.pk}/erasure/"

    # the preview says why it is held and what staff can do
    page = staff_client.get(url).content.decode()
    assert "erasure-held" in page and "Nordlys Test ApS" in page
    assert "eneste eier" in page  # the reason, in the staff member's language (nb)

    # confirming without a decision erases nothing: the Owner can still log in
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = staff_client.post(url, follow=True)
    assert not queued
    assert "fortsatt satt på vent" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and not ErasureStep.objects.filter(request=request).exists()
    assert _owner_can_log_in(nordlys)
    nordlys.refresh_from_db()
    assert nordlys.status == AccountStatus.ACTIVE
    assert _actions(request).count(AuditAction.ERASURE_HELD) == 2  # on the preview and on the refusal

    # staff choose to close the account as part of the request: closed through its lifecycle, then erased
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"close_account": str(nordlys.pk)})
    nordlys.refresh_from_db()
    assert nordlys.status == AccountStatus.CLOSED
    assert TrailEvent.objects.filter(account_id=nordlys.pk, action="status:closed").exists()
    assert nordlys.deleted_at is not None and not schema_exists(nordlys.schema_name)  # closed as ACC-7 closes
    # the Owner was told, in their language, before the erasure anonymised the mail log's copy
    told = [m for m in mailoutbox if m.to == [OWNER] and "Stengt som del av eierens forespørsel" in m.body]
    assert len(told) == 1
    assert not MailLog.objects.filter(recipient__iexact=OWNER, template="account_closed").exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    decided = request_trail(request).get(action=AuditAction.ERASURE_DECIDED)
    assert decided.params == {"decision": "close_account", "accounts": ["Nordlys Test ApS"]}


def test_gdpr10_erasure_runs_once_ownership_has_passed_to_someone_else(
    nordlys, verified_request, staff_client, eager, django_capture_on_commit_callbacks
):
    request = verified_request(OWNER, RequestKind.ERASURE)
    with tenant_context(nordlys):
        User.objects.filter(email=OWNER).update(role=Role.ADMIN)
        User.objects.create_user(
            "ny.eier@nordlys-kundeservice.no", "pw-123456789", full_name="Ny Eier", role=Role.OWNER
        )
    url = f"/admin/privacy/privacyrequest/{request.pk}/erasure/"
    assert "erasure-held" not in staff_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url)
    nordlys.refresh_from_db()
    assert nordlys.status == AccountStatus.ACTIVE
    with tenant_context(nordlys):
        assert list(User.objects.filter(role=Role.OWNER).values_list("email", flat=True)) == [
            "ny.eier@nordlys-kundeservice.no"
        ]


def test_gdpr10_the_first_click_shows_the_impact_and_changes_nothing(
    account_a, verified_request, staff_client, django_capture_on_commit_callbacks
):
    with tenant_context(account_a):
        User.objects.create_user(AGENT, "pw-123456789", full_name="Kari Nordmann", role=Role.AGENT)
    request = verified_request(AGENT, RequestKind.ERASURE)
    change = staff_client.get(f"/admin/privacy/privacyrequest/{request.pk}/change/").content.decode()
    assert f'href="/admin/privacy/privacyrequest/{request.pk}/erasure/"' in change  # a link, not a form

    with django_capture_on_commit_callbacks(execute=True) as queued:
        page = staff_client.get(f"/admin/privacy/privacyrequest/{request.pk}/erasure/").content.decode()
    assert not queued
    # the impact: per source and account, what is anonymised, and what the law keeps and why
    assert "erasure-impact" in page and "Alfa Support ApS" in page and "Bekreft slettingen" in page
    with tenant_context(account_a):
        assert User.objects.filter(email=AGENT, is_active=True).exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert not ErasureStep.objects.filter(request=request).exists()
    # an old-style POST to the action URL erases nothing either
    staff_client.post(f"/admin/privacy/privacyrequest/{request.pk}/act/", {"action": "erase"})
    with tenant_context(account_a):
        assert User.objects.filter(email=AGENT, is_active=True).exists()


def test_gdpr8_preview_and_confirmation_are_in_the_audit_trail(
    account_a, verified_request, staff_client, staff_user, eager, django_capture_on_commit_callbacks
):
    with tenant_context(account_a):
        User.objects.create_user(AGENT, "pw-123456789", full_name="Kari Nordmann", role=Role.AGENT)
    request = verified_request(AGENT, RequestKind.ERASURE)
    url = f"/admin/privacy/privacyrequest/{request.pk}/erasure/"
    staff_client.get(url)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        staff_client.post(url)
    # then: the request answered, nothing erased yet (the work waits for the worker)
    with tenant_context(account_a):
        assert User.objects.filter(email=AGENT).exists()
    assert len(queued) == 1
    running = staff_client.get(f"/admin/privacy/privacyrequest/{request.pk}/change/").content.decode()
    assert 'http-equiv="refresh"' in running and "privacy-running" in running
    # when: the worker runs it
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    with tenant_context(account_a):
        assert not User.objects.filter(email=AGENT).exists()

    A = AuditAction
    trail = _actions(request)
    steps = [a for a in trail if a in {A.ERASURE_PREVIEWED, A.ERASURE_CONFIRMED, A.TASK_QUEUED, A.ERASED}]
    assert steps == [A.ERASURE_PREVIEWED, A.ERASURE_CONFIRMED, A.TASK_QUEUED, A.ERASED]
    assert trail.index(A.ERASED) < trail.index(A.STATUS, trail.index(A.ERASED))  # then completed
    staff = f"staff:{staff_user.email}"
    preview = request_trail(request).get(action=A.ERASURE_PREVIEWED)
    assert (
        f"staff:{preview.actor_label}" == staff
        and preview.actor_kind == "staff"
        and preview.params["anonymised"] >= 1
        and "accounts.user" in preview.params["sources"]
    )
    confirmed = request_trail(request).get(action=A.ERASURE_CONFIRMED)
    assert f"staff:{confirmed.actor_label}" == staff and confirmed.params["anonymised"] == preview.params["anonymised"]
    done = staff_client.get(f"/admin/privacy/privacyrequest/{request.pk}/change/").content.decode()
    assert "privacy-running" not in done


def test_gdpr10_erasing_an_already_erased_person_is_refused_and_changes_nothing(
    account_a, verified_request, staff_client, eager, django_capture_on_commit_callbacks
):
    with tenant_context(account_a):
        User.objects.create_user(AGENT, "pw-123456789", full_name="Kari Nordmann", role=Role.AGENT)
    first = verified_request(AGENT, RequestKind.ERASURE)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/privacy/privacyrequest/{first.pk}/erasure/")
    first.refresh_from_db()
    assert first.status == RequestStatus.COMPLETED

    # the same request again, and a new request for the same (erased) person
    again = staff_client.post(f"/admin/privacy/privacyrequest/{first.pk}/erasure/", follow=True).content.decode()
    assert "Denne forespørselen er ikke åpen." in again
    second = verified_request(AGENT, RequestKind.ERASURE)
    before = request_trail(second).count()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = staff_client.post(f"/admin/privacy/privacyrequest/{second.pk}/erasure/", follow=True)
    assert "allerede slettet" in response.content.decode()
    assert not queued and request_trail(second).count() == before
    second.refresh_from_db()
    assert second.status == RequestStatus.OPEN


def test_gdpr4_export_for_an_unverified_request_is_refused_and_changes_nothing(
    file_request, staff_client, django_capture_on_commit_callbacks
):
    request = file_request()
    before = request_trail(request).count()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = staff_client.post(
            f"/admin/privacy/privacyrequest/{request.pk}/act/", {"action": "export"}, follow=True
        )
    assert "Identiteten til den som spør, er ennå ikke bekreftet." in response.content.decode()
    assert not queued and not Export.objects.filter(request=request).exists()
    assert request_trail(request).count() == before


def test_gdpr6_export_runs_as_a_task_after_the_desk_commits(
    verified_request, staff_client, eager, django_capture_on_commit_callbacks
):
    request = verified_request()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        staff_client.post(f"/admin/privacy/privacyrequest/{request.pk}/act/", {"action": "export"})
    assert len(queued) == 1 and not Export.objects.filter(request=request).exists()
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED and request.exports.count() == 1
