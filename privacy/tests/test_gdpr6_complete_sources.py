"""GDPR-6: the sources are complete by construction. A consumer's saved card and charges are in
her export, readable in her language, and her erasure anonymises or keeps what each source
declares; every model with personal-looking fields is a registered source or declared free of
personal data with a reason, and the inspection catches one that is neither."""

import io
import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection, models
from django.test.utils import isolate_apps
from django.utils import translation
from django.utils.functional import Promise
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from accounts.models import Account, AccountStatus
from accounts.users.models import Role, User
from billing.subscriptions.batch_run import account_bill
from billing.subscriptions.models import Charge, PaymentMethod, Plan
from billing.subscriptions.tests.conftest import reference_data_ensure, subscribe
from core.personal_data import declared_free
from privacy import registry
from privacy.links import verify_token
from privacy.models import ErasureStep, RequestKind
from privacy.records import DataCategory, LegalBasis
from privacy.services.erasure import erasure_run
from privacy.services.export import export_create
from privacy.services.intake import request_file
from privacy.services.verification import verify_by_link

ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
EMAIL = "ingrid.berg@example.no"
T0 = datetime(2026, 2, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def consumer(account_a, django_capture_on_commit_callbacks) -> Account:  # type: ignore[no-untyped-def]
    """A consumer: the Owner of account A, paying with a Visa •••• 4242; charged twice through the
    real subscription services (the first month, then its renewal)."""
    if not Plan.objects.filter(code="team").exists():
        reference_data_ensure()
    with tenant_context(account_a):
        # the account is hers: its one Owner is she
        User.objects.filter(role=Role.OWNER).update(email=EMAIL, full_name="Ingrid Berg", language="nb")
    connection.set_schema_to_public()
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        subscription = subscribe(account_a, Plan.objects.get(code="team"), seats=2, cycle="monthly")
    with time_machine.travel(T0 + timedelta(days=31), tick=False), django_capture_on_commit_callbacks(execute=True):
        account_bill(account=account_a, at=subscription.period_end)
    assert Charge.objects.filter(account=account_a, status="paid").count() == 2
    return account_a


def _verified(kind: str, capture):  # type: ignore[no-untyped-def]
    # filed and verified while the desk works in Danish; the requester reads Norwegian
    with translation.override("da"), capture(execute=True):
        request = request_file(kind=kind, email=EMAIL, full_name="Ingrid Berg", language="nb")
        return verify_by_link(token=verify_token(request))


def _amount_nb(charge: Charge) -> str:
    # 29.00 USD -> "29,00 USD" (thousands with a space in Norwegian)
    whole, cents = f"{charge.amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", " ") + f",{cents} {charge.currency}"


def test_gdpr6_export_contains_payment_methods_and_charges_of_a_consumer_who_has_them(
    consumer, django_capture_on_commit_callbacks
):
    charges = list(Charge.objects.filter(account=consumer).order_by("created_at"))
    request = _verified(RequestKind.ACCESS, django_capture_on_commit_callbacks)
    # when her access request is answered by a desk working in Danish
    with translation.override("da"), django_capture_on_commit_callbacks(execute=True):
        export = export_create(request=request, actor=None)
    with export.json_file.open("rb") as handle:
        data = json.loads(handle.read())
    places = {p["source"]: p for p in data["data"]}
    # then the JSON holds her card by its last four digits, never the number or the token ...
    (method,) = places["billing.payment_methods"]["records"]
    assert (method["brand"], method["last4"], method["expiry"]) == ("Visa", "4242", "12/2035")
    raw = json.dumps(data)
    assert "4242424242424242" not in raw and PaymentMethod.objects.get(account=consumer).token not in raw
    # ... and both charges, with amounts and what they were paid with
    records = places["billing.charges"]["records"]
    assert [r["amount"] for r in records] == [str(c.amount) for c in charges]
    assert {r["paid_with"] for r in records} == {"Visa •••• 4242 (12/2035)"}
    assert places["billing.charges"]["kept_by_law"].startswith("Betalinger er regnskapsbilag")
    # and the sources are described in Norwegian for a program to read
    assert data["schema"]["billing.payment_methods"]["labels"]["last4"] == "Siste 4 sifre"
    # and the PDF she reads says the same in Norwegian: headings, her card, both charges
    with export.pdf_file.open("rb") as handle:
        pdf = handle.read()
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
    # (a picture of the page with her card and payments, to look at the layout)
    page = next(i for i, p in enumerate(pages, start=1) if "Betalingsmåter" in (p.extract_text() or ""))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "gdpr6-payments-nb.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile"]
        + [ARTIFACTS / "gdpr6-payments-nb.pdf", ARTIFACTS / "gdpr6-payments-nb"],
        check=True,
    )
    assert "Betalingsmåter" in text and "Betalinger" in text, text
    assert "Visa •••• 4242" in text, text
    for charge in charges:
        assert _amount_nb(charge) in text, (_amount_nb(charge), text)
    # and the account's history names its steps in words, not as action codes
    assert "Historikken til kontoen din" in text and not re.search(r"payment_method_changed|charge:paid", text)
    # and in those two sections, status and kind read as words, never as codes or machine keys
    payments = text[text.index("Betalingsmåter") :]
    payments = payments[: payments.index("Faktura FA-", payments.index("Fornyelse"))]
    assert "Betalt" in payments and "Første periode" in payments and "Fornyelse" in payments, payments
    assert not re.search(r"\b(card|paid|renewal|first|last4|paid_with|True)\b", payments), payments


def test_gdpr6_erasure_of_a_consumer_anonymises_her_card_and_keeps_her_charges_by_law(
    consumer, django_capture_on_commit_callbacks
):
    charges_before = list(Charge.objects.filter(account=consumer).values_list("id", "amount", "status"))
    # given she has cancelled her account and asks to be erased
    Account.objects.filter(pk=consumer.pk).update(status=AccountStatus.CANCELLED)
    request = _verified(RequestKind.ERASURE, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_run(request=request, actor=None)
    # then the card is anonymised: only that a method existed stays (her charges point at it)
    method = PaymentMethod.objects.get(account=consumer)
    assert (method.token, method.brand, method.last4, method.exp_year, method.payer_email) == ("", "", "", None, "")
    # and the charges are kept unchanged, recorded as kept with the source's reason
    assert list(Charge.objects.filter(account=consumer).values_list("id", "amount", "status")) == charges_before
    step = ErasureStep.objects.get(request=request, source="billing.charges", schema_name=consumer.schema_name)
    assert step.result == {"kept": 2}
    source = next(s for s in registry.sources() if s.key == "billing.charges")
    with translation.override("en"):
        assert source.erase is None and "10 years" in str(source.kept_reason)
    with tenant_context(consumer):
        assert not User.objects.filter(email__iexact=EMAIL).exists()


def test_gdpr6_every_model_with_personal_data_is_registered_or_declared_free_of_it():
    # every model of the project (public and account schemas) with a field that looks like a
    # name, an address, a phone number, an IP address, a browser, card or PayPal data or free text
    project = registry.project_models()
    assert {"subscriptions.PaymentMethod", "workspace.LoginRecord", "core.AuditEvent"} <= {
        m._meta.label for m in project
    }
    assert registry.unregistered_personal_models(project) == {}
    # and each source says which data it holds, on which legal basis and for how long
    categories, bases = set(DataCategory.values), set(LegalBasis.values)
    incomplete = [
        s.key
        for s in registry.sources()
        if not s.models
        or not s.categories
        or not set(s.categories) <= categories
        or s.legal_basis not in bases
        or not isinstance(s.retention, Promise)
    ]
    assert incomplete == []
    # and every declaration of "no personal data" gives its reason in the reader's language
    assert declared_free() and all(isinstance(reason, Promise) for reason in declared_free().values())


@isolate_apps("privacy")
def test_gdpr6_the_inspection_catches_an_unregistered_personal_model():
    # a new model holding a person's phone number and a note about them, registered nowhere
    class CallbackWish(models.Model):  # noqa: DJ008 (a throw-away model)
        phone = models.CharField(max_length=30)
        caller_note = models.TextField()
        wished_at = models.DateTimeField()

        class Meta:
            app_label = "privacy"
            managed = False

    class Visitor(models.Model):  # noqa: DJ008 (a throw-away model)
        contact = models.EmailField()
        seen_from = models.GenericIPAddressField()

        class Meta:
            app_label = "privacy"
            managed = False

    class PriceNote(models.Model):  # noqa: DJ008 (a throw-away model)
        amount = models.DecimalField(max_digits=8, decimal_places=2)
        approved_by = models.CharField(max_length=254)

        class Meta:
            app_label = "privacy"
            managed = False

    class Counter(models.Model):  # noqa: DJ008 (a throw-away model)
        day = models.DateField()
        total = models.PositiveIntegerField()

        class Meta:
            app_label = "privacy"
            managed = False

    found = registry.unregistered_personal_models([CallbackWish, Visitor, PriceNote, Counter])
    # then it is reported with the fields that give it away (by name, by type, and who did it)
    assert found == {
        "privacy.CallbackWish": ["phone", "caller_note"],
        "privacy.Visitor": ["contact", "seen_from"],
        "privacy.PriceNote": ["approved_by"],
    }
    # and the whole project's check would fail with it
    assert "privacy.CallbackWish" in registry.unregistered_personal_models([*registry.project_models(), CallbackWish])
