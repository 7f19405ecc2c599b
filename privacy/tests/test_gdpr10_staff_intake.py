"""GDPR-10: staff register a request received by e-mail, phone or letter; every request has a
case reference that the requester receives and every GDPR mail carries, signed by the
controller (the seller profile); the hand-over preselects the requester's own account."""

import io
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from pypdf import PdfWriter

from accounts.models import MailLog
from accounts.users.models import Role, User
from billing.models import SellerProfile
from config.clock import now, today
from privacy.audit import desk_trail, request_trail
from privacy.jobs import deadline_reminders
from privacy.links import verify_token
from privacy.models import AuditAction, Channel, PrivacyRequest, RequestKind, RequestStatus
from privacy.services.common import NotVerified, due_date
from privacy.services.deadlines import request_assign, request_extend, request_hand_over, request_refuse
from privacy.services.export import export_create
from privacy.services.intake import request_purge
from privacy.services.verification import verify_by_link

pytestmark = pytest.mark.django_db

REGISTER_URL = "/admin/privacy/privacyrequest/register/"
REFERENCE = re.compile(r"^GDPR-\d{4}-\d{5}$")
MAIL_DIR = Path(settings.BASE_DIR) / "privacy" / "templates" / "email" / "privacy"
# The desk's own daily list to staff: it names every request by its reference, and is not a
# mail to a data subject or a customer, so it carries no signature.
STAFF_ONLY = {"reminder"}
CPH = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def staff_client(client, staff_user):  # type: ignore[no-untyped-def]
    client.force_login(staff_user)
    client.defaults["HTTP_HOST"] = "localhost"
    return client


@pytest.fixture
def seller() -> SellerProfile:
    return SellerProfile.objects.create(
        valid_from=now() - timedelta(seconds=1),
        legal_name="Nordlys Dataansvar s.r.o.",
        street="Karadžičova 8",
        postcode="821 08",
        city="Bratislava",
        vat_number="SK2020000001",
        company_id="50000001",
        register="Obchodný register Okresného súdu Bratislava I, oddiel Sro, vložka 1/B",
        bank_name="Banka",
        iban="SK3112000000198742637541",
        bic="SUBASKBX",
        email="billing@nordlys.test",
    )


def pdf_file(name: str = "brev.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def phone_request(**overrides: object) -> dict:
    return {
        "kind": RequestKind.ACCESS,
        "channel": Channel.PHONE,
        "received_on": (today() - timedelta(days=3)).isoformat(),
        "full_name": "Kari Nordmann",
        "email": "kari.telefon@example.org",
        "language": "nb",
        "details": "Ringte og ba om innsyn i alt dere har om henne.",
        **overrides,
    }


def test_gdpr10_staff_registered_phone_request_has_its_channel_and_reference(
    staff_client, staff_user, seller, mailoutbox, django_capture_on_commit_callbacks
):
    # given a request received by phone three days ago, with the letter that confirmed it
    received_on = today() - timedelta(days=3)
    # when staff register it in the desk
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(REGISTER_URL, {**phone_request(), "attachments": [pdf_file()]})
    # then it exists with its channel, the staff member, a case reference and the deadline
    # counted from the day it was received
    req = PrivacyRequest.objects.get(email="kari.telefon@example.org")
    assert response.status_code == 302 and response["Location"].endswith(f"/{req.pk}/change/")
    assert req.channel == Channel.PHONE
    assert req.registered_by_id == staff_user.pk
    assert REFERENCE.match(req.reference)
    assert req.due_on == due_date(received_on)
    # the requester gets the normal verification, with the case reference, signed by the controller
    [mail] = mailoutbox
    assert mail.to == ["kari.telefon@example.org"]
    assert req.reference in mail.subject and req.reference in mail.body
    assert "Saksnummer" in mail.body and seller.legal_name in mail.body
    # and nothing is disclosed before the requester has verified
    assert req.status == RequestStatus.UNVERIFIED
    with pytest.raises(NotVerified):
        export_create(request=req, actor=staff_user)
    # the audit trail names the staff member who registered it and how it came in
    received = request_trail(req).get(action=AuditAction.RECEIVED)
    assert (received.actor_kind, received.actor_label) == ("staff", staff_user.email)
    assert received.params["channel"] == Channel.PHONE and received.params["reference"] == req.reference
    # the desk shows the reference and the attachment, which downloads as the PDF it was
    page = staff_client.get(response["Location"]).content.decode()
    assert req.reference in page
    attachment = req.attachments.get()
    assert f"/admin/privacy/privacyrequest/{req.pk}/attachment/{attachment.pk}/" in page
    download = staff_client.get(f"/admin/privacy/privacyrequest/{req.pk}/attachment/{attachment.pk}/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # and the queue can be searched by it
    listing = staff_client.get("/admin/privacy/privacyrequest/", {"q": req.reference, "queue": "all"})
    assert req.reference in listing.content.decode()


def test_gdpr10_verified_staff_request_can_then_be_handled(
    staff_client, seller, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(REGISTER_URL, phone_request(channel=Channel.LETTER))
    req = PrivacyRequest.objects.get(email="kari.telefon@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        req = verify_by_link(token=verify_token(req))
    assert req.status == RequestStatus.OPEN and req.channel == Channel.LETTER
    assert req.reference in mailoutbox[-1].subject  # "received", with the same reference


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"received_on": ""}, "received_on"),
        ({"received_on": (today() + timedelta(days=1)).isoformat()}, "received_on"),
        ({"channel": Channel.PUBLIC}, "channel"),
        ({"attachments": [SimpleUploadedFile("brev.pdf", b"<html><script>alert(1)</script></html>")]}, "attachments"),
        ({"attachments": [pdf_file(), SimpleUploadedFile("id.png", b"GIF89a not a png")]}, "attachments"),
    ],
    ids=["no-date", "future-date", "not-a-staff-channel", "html-as-pdf", "one-bad-of-two"],
)
def test_gdpr10_bad_staff_intake_is_refused_with_a_message_and_creates_nothing(
    staff_client, change, field, mailoutbox, django_capture_on_commit_callbacks
):
    before = (PrivacyRequest.objects.count(), desk_trail().count(), MailLog.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(REGISTER_URL, phone_request(**change))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'class="errornote"' in response.content.decode()
    assert (PrivacyRequest.objects.count(), desk_trail().count(), MailLog.objects.count()) == before
    assert not mailoutbox


def test_gdpr10_attachment_over_the_size_limit_is_refused(staff_client, settings, mailoutbox):
    settings.UPLOAD_MAX_MB = 10
    big = pdf_file()
    big = SimpleUploadedFile("stor.pdf", big.read() + b"%" * (10 * 1024 * 1024), content_type="application/pdf")
    response = staff_client.post(REGISTER_URL, phone_request(attachments=[big]))
    assert response.status_code == 200
    assert "10 MB" in " ".join(response.context["form"].errors["attachments"])
    assert not PrivacyRequest.objects.filter(email="kari.telefon@example.org").exists()
    assert not mailoutbox


def test_gdpr10_case_references_are_unique_and_never_reused(file_request):
    first = file_request(email="a@example.org")
    reference = first.reference
    request_purge(request=first)
    second = file_request(email="a@example.org")
    assert REFERENCE.match(second.reference)
    assert second.reference != reference
    assert int(second.reference.rsplit("-", 1)[1]) > int(reference.rsplit("-", 1)[1])


def test_gdpr10_handover_preselects_the_requesters_account(staff_client, verified_request, account_a, account_b):
    # given two customers; the requester is a user of the one that is NOT first alphabetically
    first, theirs = sorted([account_a, account_b], key=lambda a: a.name)
    with tenant_context(theirs):
        User.objects.create_user("kari.agent@example.org", None, full_name="Kari Agent", role=Role.AGENT)
    req = verified_request(email="kari.agent@example.org")
    # when staff open the request
    page = staff_client.get(f"/admin/privacy/privacyrequest/{req.pk}/change/").content.decode()
    # then the hand-over has the requester's own account chosen
    select = re.search(r'<select name="account"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert f'<option value="{theirs.pk}" selected>' in select
    assert f'<option value="{first.pk}">' in select
    # and an address that is no user anywhere preselects no account at all
    stranger = verified_request(email="stranger@example.org")
    page = staff_client.get(f"/admin/privacy/privacyrequest/{stranger.pk}/change/").content.decode()
    select = re.search(r'<select name="account"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert '<option value="" selected>' in select and " selected>" not in select.replace('value="" selected>', "")


def test_gdpr10_handover_preselects_the_account_the_request_names(staff_client, verified_request, account_a, account_b):
    last = max([account_a, account_b], key=lambda a: a.name)
    req = verified_request(email="named@example.org", account=last)
    page = staff_client.get(f"/admin/privacy/privacyrequest/{req.pk}/change/").content.decode()
    assert f'<option value="{last.pk}" selected>' in page


def test_gdpr10_gdpr_mails_are_signed_by_the_controller_and_carry_the_reference(
    seller, verified_request, staff_user, account_a, mailoutbox, django_capture_on_commit_callbacks
):
    # given requests that go through every step that mails someone
    with django_capture_on_commit_callbacks(execute=True):
        access = verified_request(email="kari@example.org")  # verify, received
        request_extend(request=access, months=1, reason="Mange kilder.", actor=staff_user)  # extended
        export_create(request=access, actor=staff_user)  # export_ready, completed
        refused = verified_request(email="ola@example.org")
        request_refuse(request=refused, reason="Ikke mulig.", actor=staff_user)  # refused
        handed = verified_request(email="per@example.org")
        request_hand_over(request=handed, account=account_a, actor=staff_user)  # handover
        reminded = verified_request(email="liv@example.org")
        request_assign(request=reminded, owner=staff_user, actor=staff_user)
    at = datetime.combine(reminded.due_on - timedelta(days=3), time(7, 0), tzinfo=CPH)
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        deadline_reminders(at=at, dry_run=False)  # reminder
    references = {r.reference for r in PrivacyRequest.objects.filter(pk__in=[access.pk, refused.pk, handed.pk])}
    # then every privacy mail template on disk was sent …
    templates = {p.name.removesuffix(".subject.txt") for p in MAIL_DIR.glob("*.subject.txt")}
    logs = {
        log.template.removeprefix("privacy/"): log for log in MailLog.objects.filter(template__startswith="privacy/")
    }
    assert set(logs) == templates
    for name in templates:
        mail = next(m for m in mailoutbox if m.subject == logs[name].subject and m.to == [logs[name].recipient])
        if name in STAFF_ONLY:
            assert any(reminded.reference in m.body for m in mailoutbox if m.subject == mail.subject)
            continue
        # … with its request's case reference in the subject and the body
        reference = next(r for r in references | {reminded.reference} if r in mail.subject)
        assert reference in mail.body, name
        # … and signed by the controller: the seller profile's name and address
        signature = mail.body.rsplit("\n-- \n", 1)[1]
        assert seller.legal_name in signature, name
        assert f"{seller.street}, {seller.postcode} {seller.city}" in signature, name
