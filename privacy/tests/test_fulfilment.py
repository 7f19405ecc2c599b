"""GDPR-6: export across every schema, erasure that keeps what law keeps, rectification,
download links."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from accounts.models import MailLog
from accounts.users.models import Role, User
from config.clock import now
from privacy import registry
from privacy.audit import request_trail
from privacy.links import verify_token
from privacy.models import (
    AuditAction,
    Consent,
    ConsentPurpose,
    ConsentSource,
    DataCategory,
    DataSource,
    DataSubjectGroup,
    ErasureStep,
    LegalBasis,
    PrivacyRequest,
    ProcessingRecord,
    RequestKind,
    RequestStatus,
)
from privacy.outcomes import outcome_text
from privacy.registry import EraseResult, Scope, Source
from privacy.services.consents import consent_give
from privacy.services.erasure import erasure_run, rectification_apply
from privacy.services.export import export_create, export_revoke
from privacy.services.intake import request_file
from privacy.services.verification import verify_by_link
from privacy.tests.conftest import INVOICE_REASON, token_from

pytestmark = pytest.mark.django_db
EMAIL = "kari.nordmann@example.org"


def _person_everywhere(account_a, account_b) -> None:  # type: ignore[no-untyped-def]
    """Kari is a newsletter subscriber (public), an agent at Alfa and an admin at Bravo."""
    consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    MailLog.objects.create(
        created_at=now(), recipient=EMAIL, template="newsletter", language="nb", subject="Nyheter", body="…"
    )
    MailLog.objects.create(
        created_at=now(), recipient="someone@example.org", template="newsletter", language="nb", subject="x", body="…"
    )
    with tenant_context(account_a):
        User.objects.create_user(EMAIL, "pw-123456789", full_name="Kari Nordmann", role=Role.AGENT)
        User.objects.create_user("colleague@alfa.dk", "pw-123456789", full_name="Other Person", role=Role.AGENT)
    with tenant_context(account_b):
        User.objects.create_user(EMAIL, "pw-123456789", full_name="Kari Nordmann", role=Role.ADMIN, language="nb")


def _record() -> ProcessingRecord:
    return ProcessingRecord.objects.create(
        title_da="Nyhedsbrev",
        title_nb="Nyhetsbrev",
        purpose_da="Vi sender nyheder til dem, der har bedt om det.",
        purpose_nb="Vi sender nyheter til dem som har bedt om det.",
        legal_basis=LegalBasis.CONSENT,
        categories=[DataCategory.NAME, DataCategory.EMAIL],
        subjects=[DataSubjectGroup.PROSPECTS],
        sources=[DataSource.SUBJECT],
        recipients="Mailtjeneste Eksempel ApS",
        source_keys=["privacy"],
        retention_da="Indtil samtykket trækkes tilbage, højst 5 år",
        retention_nb="Til samtykket trekkes tilbake, høyst 5 år",
    )


def _exported(request) -> dict:  # type: ignore[no-untyped-def]
    export = export_create(request=request, actor=None)
    with export.json_file.open("rb") as f:
        return json.load(f)


def _places(data: dict) -> dict[tuple[str, str], list]:
    return {(p["source"], p["schema"]): p["records"] for p in data["data"]}


def test_gdpr6_end_to_end_access_then_erasure_then_nothing_but_what_law_keeps(
    account_a, account_b, public_client, mailoutbox, invoice_source, django_capture_on_commit_callbacks
):
    # given: a person in the public schema and in two accounts, and an invoice the law keeps
    _person_everywhere(account_a, account_b)
    invoice_source[EMAIL] = [{"number": "2026-000123"}]

    # when: they ask for access on the public form and verify by the e-mailed link
    with django_capture_on_commit_callbacks(execute=True):
        public_client.post(
            "/privacy/request/", {"kind": "access", "full_name": "Kari Nordmann", "email": EMAIL, "role": "controller"}
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert public_client.get(f"/privacy/verify/{token_from(mailoutbox[-1])}/").status_code == 302
    access = PrivacyRequest.objects.get(email=EMAIL, kind=RequestKind.ACCESS)
    assert access.status == RequestStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        data = _exported(access)

    # then: exactly their data, from the public schema and both accounts
    places = _places(data)
    assert places[("accounts.user", account_a.schema_name)] == [
        {**places[("accounts.user", account_a.schema_name)][0], "email": EMAIL, "full_name": "Kari Nordmann"}
    ]
    assert len(places[("accounts.user", account_a.schema_name)]) == 1  # not the colleague
    assert places[("accounts.user", account_b.schema_name)][0]["role"] == "admin"
    assert [m["subject"] for m in places[("accounts.maillog", "public")]] == ["Nyheter"]
    assert places[("privacy.consent", "public")][0]["purpose"] == "marketing"
    assert places[("test.invoice", "public")] == [{"number": "2026-000123"}]
    assert "someone@example.org" not in json.dumps(data) and "colleague" not in json.dumps(data)
    assert set(data["schema"]) >= {"accounts.user", "accounts.maillog", "privacy.consent"}

    # when: they ask for erasure, verified, and staff run it
    erasure = request_file(kind=RequestKind.ERASURE, email=EMAIL, full_name="Kari Nordmann", language="nb")
    erasure = verify_by_link(token=_token(erasure))
    with django_capture_on_commit_callbacks(execute=True):
        erasure_run(request=erasure, actor=None)
    erasure.refresh_from_db()
    assert erasure.status == RequestStatus.COMPLETED
    # what was kept and why, told in the requester's words
    assert INVOICE_REASON in outcome_text(erasure)
    erased = request_trail(erasure).get(action=AuditAction.ERASED).params
    assert erased["kept"]["test.invoice"]["records"] == 1 and erased["anonymised"] >= 3

    # then: a second export finds nothing but what law keeps
    again = request_file(kind=RequestKind.ACCESS, email=EMAIL, full_name="Kari Nordmann", language="nb")
    again = verify_by_link(token=_token(again))
    second = _exported(again)
    assert {p["source"] for p in second["data"]} <= {
        "test.invoice",
        "privacy.request",
        "privacy.correspondence",
        "privacy.audit",
    }
    assert all(p["kept_by_law"] for p in second["data"])
    assert _places(second)[("test.invoice", "public")] == [{"number": "2026-000123"}]
    with tenant_context(account_a):
        assert not User.objects.filter(email=EMAIL).exists()
        assert User.objects.filter(email="colleague@alfa.dk").exists()
    assert not Consent.objects.filter(email=EMAIL).exists()


def _token(request) -> str:  # type: ignore[no-untyped-def]
    return verify_token(request)


def test_gdpr6_erasure_keeps_invoices(verified_request, invoice_source):
    invoice_source["kari.nordmann@example.org"] = [{"number": "2026-000001"}, {"number": "2026-000002"}]
    request = verified_request(kind=RequestKind.ERASURE)
    request = erasure_run(request=request, actor=None)
    assert len(invoice_source["kari.nordmann@example.org"]) == 2
    step = ErasureStep.objects.get(request=request, source="test.invoice")
    assert step.result == {"kept": 2}
    assert INVOICE_REASON in outcome_text(request)


def test_gdpr6_interrupted_erasure_resumes_and_finishes(account_a, account_b, verified_request):
    _person_everywhere(account_a, account_b)
    calls = {"n": 0}

    def flaky(email: str) -> EraseResult:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker lost")
        return EraseResult()

    registry.register(Source(key="test.flaky", label="Flaky", scope=Scope.ACCOUNT, collect=lambda e: [], erase=flaky))
    try:
        request = verified_request(kind=RequestKind.ERASURE)
        with pytest.raises(RuntimeError):
            erasure_run(request=request, actor=None)
        request.refresh_from_db()
        assert request.status == RequestStatus.OPEN
        with tenant_context(account_a):
            assert not User.objects.filter(email=EMAIL).exists()  # first steps committed
        erasure_run(request=request, actor=None)
    finally:
        registry.unregister("test.flaky")
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    with tenant_context(account_b):
        assert not User.objects.filter(email=EMAIL).exists()


def test_gdpr6_export_pdf_has_the_art15_cover_letter_in_the_requesters_language(verified_request):
    _record()
    request = verified_request()
    export = export_create(request=request, actor=None)
    with export.pdf_file.open("rb") as f:
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(f).pages).split())
    assert "Nyhetsbrev" in text and "Mailtjeneste Eksempel ApS" in text
    assert "Úrad na ochranu osobných údajov" in text
    assert "a) Formålene med behandlingen" in text and "h) Profilering og automatiserte avgjørelser" in text


def test_gdpr6_download_link_is_logged_expires_and_can_be_revoked(verified_request, public_client):
    request = verified_request()
    export = export_create(request=request, actor=None)
    response = public_client.get(f"/privacy/download/{export.token}/json/")
    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content))["subject"] == "kari.nordmann@example.org"
    assert request_trail(request).filter(action=AuditAction.DOWNLOADED).count() == 1
    assert public_client.get(f"/privacy/download/{export.token[:-1]}x/pdf/").status_code == 404
    export_revoke(export=export, actor=None)
    assert public_client.get(f"/privacy/download/{export.token}/pdf/").status_code == 404
    export.revoked_at = None
    export.expires_at = now() - timedelta(seconds=1)
    export.save()
    assert public_client.get(f"/privacy/download/{export.token}/pdf/").status_code == 404


def test_gdpr6_rectification_is_an_audited_edit_with_before_and_after(account_a, account_b, verified_request):
    _person_everywhere(account_a, account_b)
    request = verified_request(kind=RequestKind.RECTIFICATION)
    with pytest.raises(ValidationError):
        rectification_apply(request=request, field="email", value="x@example.org", actor=None)
    assert rectification_apply(request=request, field="full_name", value="Kari Nordmann-Berg", actor=None) == 2
    with tenant_context(account_b):
        assert User.objects.get(email=EMAIL).full_name == "Kari Nordmann-Berg"
    event = request_trail(request).filter(action=AuditAction.RECTIFIED).first()
    assert event.params["before"] == "Kari Nordmann" and event.params["after"] == "Kari Nordmann-Berg"


def test_gdpr6_unknown_person_export_says_no_data_held(verified_request):
    request = verified_request(email="nobody@example.org")
    data = _exported(request)
    assert {p["source"] for p in data["data"]} <= {"privacy.request", "privacy.correspondence", "privacy.audit"}
