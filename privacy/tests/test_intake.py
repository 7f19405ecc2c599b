"""GDPR-2 and GDPR-3: request types, controller/processor tagging, the written withdrawal route."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import MailLog
from privacy.models import Channel, Consent, ConsentPurpose, ConsentSource, PrivacyRequest, RequestKind, RequestStatus
from privacy.services.consents import consent_give
from privacy.services.deadlines import request_hand_over
from privacy.tests.test_gdpr7_uploads import real_pdf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", [k for k, _ in RequestKind.choices])
def test_gdpr2_every_request_type_can_be_filed_publicly(public_client, kind):
    response = public_client.post(
        "/privacy/request/",
        {"kind": kind, "full_name": "Ola Hansen", "email": "ola@example.org", "role": "controller", "details": "Fix"},
    )
    assert response.status_code == 302
    request = PrivacyRequest.objects.get(email="ola@example.org")
    assert request.kind == kind and request.status == RequestStatus.UNVERIFIED
    assert MailLog.objects.filter(recipient="ola@example.org", template="privacy/verify").exists()


def test_gdpr2_processor_request_needs_the_company_and_is_tagged(public_client):
    data = {"kind": "erasure", "full_name": "Ola", "email": "ola@example.org", "role": "processor"}
    response = public_client.post("/privacy/request/", data)
    assert response.status_code == 200 and not PrivacyRequest.objects.exists()
    public_client.post("/privacy/request/", {**data, "company": "alfa support aps"})
    request = PrivacyRequest.objects.get()
    assert request.role == "processor" and request.account.slug == "alfa"


def test_gdpr2_processor_request_is_handed_to_the_owner_with_a_tracked_deadline(
    verified_request, account_a, mailoutbox, django_capture_on_commit_callbacks
):
    request = verified_request(kind=RequestKind.ERASURE, role="processor", company="Alfa Support ApS")
    with django_capture_on_commit_callbacks(execute=True):
        request_hand_over(request=request, account=account_a, actor=None)
    assert request.status == RequestStatus.HANDED_OVER
    assert request.handover_due_on <= request.due_on
    assert mailoutbox[-1].to == ["owner@alfa.dk"]
    assert "Alfa Support ApS" in mailoutbox[-1].body


def test_gdpr3_written_withdrawal_needs_company_processor_text_and_signature(file_request):
    with pytest.raises(ValidationError):
        file_request(kind=RequestKind.CONSENT_WITHDRAWAL, channel=Channel.WRITTEN, company="Acme", details="Stop")
    request = file_request(
        kind=RequestKind.CONSENT_WITHDRAWAL,
        channel=Channel.WRITTEN,
        company="Acme",
        processor_name="Kontoportal s.r.o.",
        details="Stop",
        signature_name="Kari Nordmann",
        signature_confirmed=True,
    )
    assert request.signature_name == "Kari Nordmann"


def test_gdpr3_written_withdrawal_form_accepts_an_uploaded_signed_letter(public_client):
    response = public_client.post(
        "/privacy/request/written/",
        {
            "company": "Acme AS",
            "full_name": "Kari Nordmann",
            "email": "kari@example.org",
            "processor_name": "Kontoportal s.r.o.",
            "details": "Jeg trekker mitt samtykke tilbake.",
            "signed_letter": SimpleUploadedFile("letter.pdf", real_pdf(), content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    request = PrivacyRequest.objects.get()
    assert request.channel == Channel.WRITTEN and request.signed_letter.name.endswith(".pdf")


def test_gdpr3_verified_withdrawal_takes_effect_at_once(verified_request):
    consent_give(email="kari.nordmann@example.org", purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    request = verified_request(kind=RequestKind.CONSENT_WITHDRAWAL)
    assert request.status == RequestStatus.COMPLETED
    consent = Consent.objects.get()
    assert consent.withdrawn_at is not None and consent.withdrawn_source == ConsentSource.REQUEST


def test_gdpr2_public_intake_is_rate_limited_per_address(public_client, settings):
    limit = int(settings.RATE_LIMITS["privacy_request_address"].split("/")[0])
    data = {"kind": "access", "full_name": "Ola", "email": "flood@example.org", "role": "controller"}
    for n in range(limit):  # from another network each time: the cap is per address
        assert public_client.post("/privacy/request/", data, REMOTE_ADDR=f"10.0.0.{n}").status_code == 302
    response = public_client.post("/privacy/request/", data, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 429 and PrivacyRequest.objects.count() == limit
