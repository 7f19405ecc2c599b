"""GDPR-6 (Art. 12(1)): the export PDF of a person with data in EVERY registered source reads
cleanly in da and nb — no machine key of any source, no Python dict or list, no ISO or
microsecond timestamp, no raw choice code, every long value present in full. A source
registered without data here fails the test by name. Pages are kept as pictures in
var/test-artifacts/ to look at."""

import io
import json
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import translation
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from accounts.models import CancellationRequest, MailLog, SharedLoginFlag
from accounts.users.models import Role, User
from accounts.workspace.models import Invitation, LoginRecord
from billing.models import BillingProfile, CustomDelivery, Document, DocumentKind, DocumentStatus, SellerProfile
from billing.subscriptions.batch_run import account_bill
from billing.subscriptions.models import Plan, PlanPrice, PriceNotice
from billing.subscriptions.tests.conftest import reference_data_ensure, subscribe
from core import personal_data
from privacy.links import verify_token
from privacy.models import Consent, ConsentPurpose, ConsentSource, RequestKind, SubjectFlag
from privacy.services.export import export_create
from privacy.services.intake import request_file
from privacy.services.verification import verify_by_link
from subprocessors.access import support_access_require, support_access_set
from subprocessors.models import (
    DpaRequest,
    Notice,
    NoticeDelivery,
    Objection,
    PolicySeen,
    PolicyVersion,
    RegistryVersion,
    Subscriber,
)
from subprocessors.services import policy_publish

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
EMAIL = "kari.nordmann-stensrud@example.no"
NAME = "Kari Margrethe Nordmann-Stensrud"
T0 = datetime(2026, 2, 2, 9, 30, 12, 345678, tzinfo=UTC)
IPV6 = "2001:db8:85a3:1234:5678:8a2e:370:7334"
VAT = "NO923456789MVA"
AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
# an invoice's details in the account's history, in words
DETAILS = {"da": "Dokumenttype: Faktura; Beløb: 58,00 USD", "nb": "Dokumenttype: Faktura; Beløp: 58,00 USD"}
# the reason a billing job recorded ("payment received"), in the reader's words
PAID = {"da": "Betaling modtaget", "nb": "Betaling mottatt"}
LONG_VALUES = (IPV6, VAT, AGENT, NAME, EMAIL)


@pytest.fixture
def person(account_a, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """One person with data in every registered source: the Owner of account A who pays for it,
    and also a member of our staff who did staff things."""
    capture = django_capture_on_commit_callbacks
    if not Plan.objects.filter(code="team").exists():
        reference_data_ensure()
    with tenant_context(account_a):
        User.objects.filter(role=Role.OWNER).update(email=EMAIL, full_name=NAME, language="nb")
        owner = User.objects.get(email=EMAIL)
        LoginRecord.objects.create(
            user=owner, at=T0, last_seen_at=T0, device_id="d1", user_agent=AGENT, ip=IPV6, network="2001:db8:85a3::/48"
        )
        Invitation.objects.create(email=EMAIL, role=Role.ADMIN, token="tok-every-source", created_at=T0)
    connection.set_schema_to_public()
    with time_machine.travel(T0, tick=False), capture(execute=True):
        subscription = subscribe(account_a, Plan.objects.get(code="team"), seats=2, cycle="monthly")
    with time_machine.travel(T0 + timedelta(days=31), tick=False), capture(execute=True):
        account_bill(account=account_a, at=subscription.period_end)
    SharedLoginFlag.objects.create(
        account=account_a, user_email=EMAIL, detected_at=T0, surcharge_marked_by="", evidence=[{"ip": IPV6}]
    )
    CancellationRequest.objects.create(
        account=account_a, received_at=T0, sender=EMAIL, logged_by="", confirm_by=T0, confirmed_by="", note="Stop"
    )
    BillingProfile.objects.update_or_create(
        account=account_a,
        defaults={
            "name": NAME,
            "company": "Nordlys Kundeservice AS",
            "street": "Storgata 1",
            "postcode": "0155",
            "city": "Oslo",
            "country": "NO",
            "email": EMAIL,
            "vat_number": VAT,
            "updated_at": T0,
        },
    )
    buyer = {
        "name": NAME,
        "street": "Storgata 1",
        "postcode": "0155",
        "city": "Oslo",
        "country": "NO",
        "email": EMAIL,
        "vat_number": VAT,
        "vat_status": "valid",
    }
    Document.objects.create(
        kind=DocumentKind.CREDIT_NOTE,
        status=DocumentStatus.ISSUED,
        account=account_a,
        sequence=9917,
        number="K-2026-009917",
        issued_at=T0,
        currency="NOK",
        language="nb",
        buyer=buyer,
        gross_total=Decimal("12345.60"),
        created_at=T0,
    )
    # the staff side of the same person
    staff = User.objects.create_user(EMAIL, "x-Very-long-pass-1", full_name=NAME, role=Role.ADMIN)
    SellerProfile.objects.create(
        valid_from=T0,
        legal_name="Seller AS",
        street="Gate 1",
        postcode="0150",
        city="Oslo",
        vat_number="NO1MVA",
        company_id="1",
        register="Foretaksregisteret",
        bank_name="Bank",
        iban="NO9386011117947",
        bic="DNBANOKK",
        email="seller@example.no",
        footer="",
        created_by=EMAIL,
    )
    CustomDelivery.objects.create(
        account=account_a,
        description="Onboarding",
        price=Decimal("100"),
        agreed_on=date(2026, 2, 1),
        recorded_by=EMAIL,
        recorded_at=T0,
    )
    price = PlanPrice.objects.create(
        plan=Plan.objects.get(code="team"),
        monthly_per_agent=Decimal("31"),
        annual_per_agent=Decimal("310"),
        effective_from=T0 + timedelta(days=60),
        created_by=EMAIL,
        created_at=T0,
    )
    PriceNotice.objects.create(price=price, account=account_a, recipient=EMAIL, sent_at=T0)
    MailLog.objects.create(
        created_at=T0,
        recipient=EMAIL,
        template="accounts/welcome",
        language="nb",
        subject="Velkommen",
        body="Hei",
        error="",
    )
    Consent.objects.create(email=EMAIL, purpose=ConsentPurpose.MARKETING, given_at=T0, source=ConsentSource.SIGNUP)
    SubjectFlag.objects.create(email=EMAIL, kind=SubjectFlag.Kind.OBJECTION, since=T0)
    Subscriber.objects.create(email=EMAIL, token="sub-every-source", created_at=T0)
    version = RegistryVersion.objects.create(number=9917, published_at=T0, published_by=EMAIL, note="New vendor")
    notice = Notice.objects.create(
        version=version,
        key="linode",
        legal_entity="Akamai Technologies, Inc.",
        region="US",
        start_date=date(2026, 3, 1),
        created_at=T0,
    )
    NoticeDelivery.objects.create(notice=notice, email=EMAIL, account=account_a, sent_at=T0)
    Objection.objects.create(
        notice=notice, account=account_a, raised_by=EMAIL, reason="Outside the EEA", created_at=T0, staff_note=""
    )
    DpaRequest.objects.create(account=account_a, requested_by=EMAIL, requested_at=T0, signed_version="", handled_by="")
    policy = PolicyVersion.objects.create(
        kind="terms",
        title_en="Terms",
        title_da="Vilkår",
        title_nb="Vilkår",
        body_en="x",
        body_da="x",
        body_nb="x",
        effective_date=date(2026, 1, 1),
    )
    policy = policy_publish(policy=policy, actor=staff)
    PolicySeen.objects.create(account=account_a, policy=policy, seen_by=EMAIL, seen_at=T0)
    support_access_set(account=account_a, granted=True, actor=staff)
    support_access_require(account=account_a, actor=staff, purpose="Ticket 4711: the invoice address")
    return account_a


def _pdf(language: str, capture) -> tuple[bytes, dict]:  # type: ignore[no-untyped-def]
    # filed and answered while the desk works in the other language
    with translation.override("nb" if language == "da" else "da"):
        with capture(execute=True):
            request = request_file(kind=RequestKind.ACCESS, email=EMAIL, full_name=NAME, language=language)
            request = verify_by_link(token=verify_token(request))
        with capture(execute=True):
            export = export_create(request=request, actor=None)
    with export.pdf_file.open("rb") as handle:
        pdf = handle.read()
    with export.json_file.open("rb") as handle:
        data = json.loads(handle.read())
    return pdf, data


def _raw_keys() -> set[str]:
    """Every machine key a source declares (multi-word keys only: "name" is also a word)."""
    keys = set()
    for source in personal_data.registered():
        keys |= {k for k in source.fields if "_" in k}
    return keys


def _raw_codes() -> set[str]:
    """Every coded value a source declares that differs from how it reads (e.g. credit_note)."""
    codes = set()
    for source in personal_data.registered():
        for mapping in source.values.values():
            if isinstance(mapping, dict):
                codes |= {str(c) for c, shown in mapping.items() if "_" in str(c) and str(c) != str(shown)}
    return codes


@pytest.mark.parametrize("language", ["da", "nb"])
def test_gdpr6_export_pdf_for_a_person_in_every_source_reads_cleanly(
    language, person, django_capture_on_commit_callbacks
):
    pdf, data = _pdf(language, django_capture_on_commit_callbacks)
    # (pictures of every page, kept to look at, also when an assertion below fails)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"gdpr6-every-source-{language}"
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", ARTIFACTS / f"{name}.pdf", ARTIFACTS / name], check=True)
    found = {p["source"] for p in data["data"] if p["records"]}
    # every registered source found something: a new source without data here fails by name
    missing = [s.key for s in personal_data.registered() if s.key not in found]
    assert missing == [], f"sources with no record for the person (add fixture data): {missing}"
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]
    text = " ".join(" ".join(page.split()) for page in pages)
    assert not [k for k in sorted(_raw_keys()) if re.search(rf"(?<![\w/.-]){re.escape(k)}(?![\w-])", text)], text
    assert not [c for c in sorted(_raw_codes()) if re.search(rf"(?<![\w/.-]){re.escape(c)}(?![\w-])", text)], text
    assert "{'" not in text and "['" not in text, text
    # the account's history names its details in words (no "Kind: invoice", "Document id: 1")
    assert not re.search(r"Kind: invoice|Document id|Cycle: monthly|\bdraft\b|\(\d{4}-\d\d-\d\d\)", text), text
    # a support entry is listed once, by the support-access source, not again in the trail or history
    assert text.count("Ticket 4711") == 1, text
    assert not re.search(r"\d{4}-\d\d-\d\dT", text), text
    assert not re.search(r"\d\d:\d\d:\d\d\.\d{3}", text), text
    joined = re.sub(r"\s+", "", text)
    # (a narrow cell breaks long words, so words are compared without their spaces)
    assert re.sub(r"\s+", "", DETAILS[language]) in joined, text
    assert PAID[language] in text and "payment received" not in text, text
    assert not [v for v in LONG_VALUES if re.sub(r"\s+", "", v) not in joined]
    assert list(ARTIFACTS.glob(f"{name}-*.png"))
