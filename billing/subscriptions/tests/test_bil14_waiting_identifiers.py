"""BIL-14 with a card payment: a renewal for a Slovak company whose billing details lack its IČO
and DIČ (saved before they were required) is charged and receipted; its invoice waits as a draft
without a number — the Owner is asked in Min konto and by one e-mail, in their language, and staff
see it flagged — and is issued, paid and numbered only once the Owner saves the identifiers."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from accounts.models import Account, MailLog
from accounts.users.models import Role
from billing.models import BillingProfile, DocumentCounter, DocumentKind, ExchangeRate, Invoice
from billing.pdf import document_pdf_store
from billing.services.held import held_documents_issue
from billing.subscriptions.choices import ChargeStatus
from billing.subscriptions.models import Charge, Plan
from billing.subscriptions.tests.conftest import subscribe
from billing.tests.test_minkonto import login
from config.jobs import get_job, run_for_account

T0 = datetime(2026, 1, 31, 7, 0, tzinfo=UTC)
SK_ICO, SK_DIC = "35757442", "2020273893"
# What the Owner sees on the billing pages, and the e-mail's subject, in Danish and Norwegian.
NOTICE = {
    "da": "En faktura for en betaling, du har foretaget, kan ikke udstedes endnu",
    "nb": "En faktura for en betaling du har gjort, kan ikke utstedes ennå",
}
SUBJECT = {"da": "Din faktura venter på dit IČO og DIČ", "nb": "Fakturaen din venter på IČO og DIČ"}


@pytest.fixture(autouse=True)
def language_restored():  # type: ignore[no-untyped-def]
    """A Min konto request leaves its language active in this thread: later tests expect the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _slovak_company_without_identifiers(account: Account) -> None:
    """Details saved before BIL-14 asked for IČO and DIČ (the form asks for them now)."""
    BillingProfile.objects.filter(account=account).update(
        company=account.name,
        street="Mlynské nivy 5",
        postcode="821 09",
        city="Bratislava",
        country="SK",
        vat_number="",
        company_id="",
        tax_number="",
    )


def _invoice_counter() -> int | None:
    return DocumentCounter.objects.filter(kind=DocumentKind.INVOICE).values_list("last_number", flat=True).first()


def _renewal_waiting(account: Account, plan: Plan, capture) -> tuple[Charge, Invoice, datetime, int | None]:  # type: ignore[no-untyped-def]
    """The first period paid and invoiced as usual, then the renewal of a Slovak company without
    IČO/DIČ; with the invoice counter as it was before the renewal."""
    with time_machine.travel(T0, tick=False), capture(execute=True):
        subscription = subscribe(account, plan, seats=3, cycle="monthly")
    _slovak_company_without_identifiers(account)
    # the USD rate of the renewal's tax point exists: the identifiers are all the invoice lacks
    ExchangeRate.objects.get_or_create(currency="USD", day=date(2026, 2, 27), defaults={"per_eur": Decimal("1.08")})
    renewal_at = subscription.period_end
    counter = _invoice_counter()
    with time_machine.travel(renewal_at, tick=False), capture(execute=True):
        report = run_for_account(get_job("subscriptions_billing_run"), account, renewal_at, dry_run=False)
    assert report.counts == {"paid": 1}
    charge = Charge.objects.get(subscription=subscription, kind="renewal")
    return charge, Invoice.objects.get(pk=charge.invoice_id), renewal_at, counter


@pytest.mark.parametrize(("which", "language"), [("a", "da"), ("b", "nb")])
def test_bil14_paid_renewal_of_a_slovak_company_without_ico_dic_waits_unnumbered_and_the_owner_is_asked(
    which, language, account_a, account_b, client_a, client_b, plans, django_capture_on_commit_callbacks
) -> None:
    account, client = (account_a, client_a) if which == "a" else (account_b, client_b)
    charge, invoice, renewal_at, counter_before = _renewal_waiting(
        account, plans["team"], django_capture_on_commit_callbacks
    )
    assert _invoice_counter() == counter_before
    # the payment stands and is receipted, without an invoice number
    assert charge.status == ChargeStatus.PAID and charge.invoice_number == ""
    receipts = MailLog.objects.filter(account=account, template="subscriptions_receipt")
    assert receipts.filter(created_at__gte=renewal_at).count() == 1
    # the invoice waits as a draft, says why, and took no number
    assert (invoice.status, invoice.number, invoice.sequence) == ("draft", "", None)
    assert invoice.waiting_for == "identifiers" and invoice.tax_point == date(2026, 2, 28)
    # the Owner got one e-mail, in their language, linking to the billing-details form
    asked = MailLog.objects.get(account=account, template="subscriptions_identifiers_needed")
    assert asked.language == language and asked.subject == SUBJECT[language]
    assert "/min-konto/billing/details/" in asked.body
    # and sees the notice on the billing pages, in their language
    login(client, account, Role.OWNER)
    for page in ("/min-konto/billing/", "/min-konto/billing/details/"):
        assert NOTICE[language] in client.get(page).content.decode()
    # a rerun of the billing job, and of the issue of what waits, changes nothing
    with time_machine.travel(renewal_at + timedelta(hours=1), tick=False):
        again = run_for_account(get_job("subscriptions_billing_run"), account, renewal_at + timedelta(hours=1), False)
        assert again.counts == {} and held_documents_issue() == []
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == ("draft", "")
    assert _invoice_counter() == counter_before
    assert MailLog.objects.filter(account=account, template="subscriptions_identifiers_needed").count() == 1


def test_bil14_saving_the_ico_and_dic_issues_the_waiting_invoice_paid_numbered_and_mailed(
    account_a, client_a, plans, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    charge, invoice, renewal_at, counter_before = _renewal_waiting(
        account_a, plans["team"], django_capture_on_commit_callbacks
    )
    login(client_a, account_a, Role.OWNER)
    profile = BillingProfile.objects.get(account=account_a)
    form = {
        field: getattr(profile, field)
        for field in ("name", "company", "street", "postcode", "city", "country", "email", "vat_number")
    }
    later = renewal_at + timedelta(days=2)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(
            "/min-konto/billing/details/", {**form, "company_id": "357 574 42", "tax_number": SK_DIC}, follow=True
        )
    page = response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        document_pdf_store(document_id=charge.invoice_id)  # what the render task queued by the issue does
    invoice.refresh_from_db()
    charge.refresh_from_db()
    # issued now, numbered now (the next number), paid with the charge's card and payment day
    assert invoice.status == "paid" and invoice.number.startswith("FA-")
    assert invoice.sequence == (counter_before or 0) + 1 == _invoice_counter()
    assert invoice.waiting_for == "" and invoice.issued_at == later
    assert invoice.tax_point == date(2026, 2, 28) and invoice.paid_at == charge.paid_at
    assert invoice.payment == {"method": "card", "brand": "Visa", "last4": "4242"}
    assert (invoice.buyer["company_id"], invoice.buyer["tax_number"]) == (SK_ICO, SK_DIC)
    assert charge.invoice_number == invoice.number
    # the Owner reads it in Danish, the notice is gone, the invoice is e-mailed with its number
    assert f"Faktura {invoice.number} er udstedt." in page
    assert NOTICE["da"] not in page
    assert any(invoice.number in mail.subject for mail in mailoutbox)
    # a rerun changes nothing
    with time_machine.travel(later + timedelta(hours=1), tick=False):
        assert held_documents_issue() == []
    assert _invoice_counter() == invoice.sequence


def test_bil14_staff_see_the_invoice_waiting_for_identifiers_apart_from_those_waiting_for_a_rate(
    account_a, plans, staff_user, public_client, django_capture_on_commit_callbacks
) -> None:
    _, invoice, _, _ = _renewal_waiting(account_a, plans["team"], django_capture_on_commit_callbacks)
    public_client.force_login(staff_user)
    listed = public_client.get("/admin/billing/invoice/", {"waiting": "identifiers"}).content.decode()
    assert f"/admin/billing/invoice/{invoice.pk}/change/" in listed
    assert "1 betalt faktura venter på den slovakiske købers IČO og DIČ" in listed
    by_rate = public_client.get("/admin/billing/invoice/", {"waiting": "rate"}).content.decode()
    assert f"/admin/billing/invoice/{invoice.pk}/change/" not in by_rate
    today = public_client.get("/admin/console/today/").content.decode()
    assert "1 betalt faktura venter på den slovakiske købers IČO og DIČ" in today


def test_bil14_invoice_given_its_identifiers_before_its_rate_then_waits_for_the_rate_and_only_then_is_numbered(
    account_b, client_b, plans, django_capture_on_commit_callbacks
) -> None:
    # given a renewal whose invoice lacks both the IČO/DIČ and the USD rate of its tax point
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks(execute=True):
        subscription = subscribe(account_b, plans["team"], seats=3, cycle="monthly")
    _slovak_company_without_identifiers(account_b)
    ExchangeRate.objects.filter(currency="USD").delete()
    renewal_at = subscription.period_end
    with time_machine.travel(renewal_at, tick=False), django_capture_on_commit_callbacks(execute=True):
        run_for_account(get_job("subscriptions_billing_run"), account_b, renewal_at, dry_run=False)
    invoice = Invoice.objects.get(pk=Charge.objects.get(subscription=subscription, kind="renewal").invoice_id)
    counter = _invoice_counter()
    # it waits for what the Owner must give first
    assert (invoice.status, invoice.waiting_for) == ("draft", "identifiers")
    # when the Owner gives them, it is held again, now for the rate: still no number
    login(client_b, account_b, Role.OWNER)
    profile = BillingProfile.objects.get(account=account_b)
    form = {f: getattr(profile, f) for f in ("name", "company", "street", "postcode", "city", "country", "email")}
    with time_machine.travel(renewal_at + timedelta(hours=2), tick=False):
        client_b.post("/min-konto/billing/details/", {**form, "company_id": SK_ICO, "tax_number": SK_DIC})
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number, invoice.waiting_for) == ("draft", "", "rate")
    assert _invoice_counter() == counter
    assert NOTICE["nb"] not in client_b.get("/min-konto/billing/").content.decode()
    # and the rate's arrival issues it with the tax point of the payment
    ExchangeRate.objects.create(currency="USD", day=date(2026, 2, 27), per_eur=Decimal("1.08"))
    with time_machine.travel(renewal_at + timedelta(hours=3), tick=False):
        [issued] = held_documents_issue()
    invoice.refresh_from_db()
    assert issued.pk == invoice.pk and invoice.status == "paid" and invoice.sequence == (counter or 0) + 1
    assert invoice.tax_point == date(2026, 2, 28) and invoice.eur_rate == Decimal("1.08")
