"""Issue 10, done-when 4: every mail and every document reads in its reader's language.

Every mail template of the project (found on the file system: templates/email and each app's
templates/email, so a new one is covered at once) is sent through the real mailer to a Danish and
a Norwegian recipient, with the objects the portal really passes (an account, its Owner, a
charge and invoice from a real subscription, a credit note, a privacy request), while the
process runs in the OTHER language — the staff member's admin, the billing run, a job. Every
document kind (invoice PDF, credit-note PDF, the GDPR export PDF with its Art. 15 letter) is
issued and rendered the same way. The text fails on a word only the other language has and on
untranslated English (tests/language_words.py); names, addresses and URLs are left out.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import translation
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from accounts.mailer import mail_send
from accounts.models import Account, MailLog, Region
from accounts.users.models import Role, User
from billing.models import Document
from billing.pdf import document_pdf_store
from billing.services.corrections import credit_note_issue
from billing.subscriptions.models import Charge, Plan, PlanPrice
from billing.subscriptions.services.refusals import decline_message
from billing.subscriptions.tests.conftest import billing_profile_ensure, reference_data_ensure, subscribe
from billing.tax_notes import fixed_lines
from core.links import account_url, public_url
from privacy.links import verify_token
from privacy.models import PrivacyRequest, RequestKind
from privacy.selectors import controller
from privacy.services.export import export_create
from privacy.services.intake import request_file
from privacy.services.verification import verify_by_link
from tests.acc_helpers import make_account, run_jobs
from tests.language_words import offending_words, other_language
from tests.test_mail_log_redaction import template_names

pytestmark = pytest.mark.django_db
LANGUAGES = ("da", "nb")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
# What staff type to a customer, in the customer's language (a breach, a refusal, a credit).
STAFF_TEXT = {
    "da": "Kontoen har sendt uønskede beskeder til mange modtagere.",
    "nb": "Kontoen har sendt uønskede meldinger til mange mottakere.",
}
# Names and addresses in the portal's own texts (a regulator's name is not prose).
FIXED_NAMES = (
    "Kontoportal",
    "Min konto",
    "Úrad na ochranu osobných údajov Slovenskej republiky, Hraničná 12, 820 07 Bratislava 27",
    "Example Cloud Ltd",
    "PayPal",
)


@dataclass
class World:
    """The real objects a mail or document is made from, for one recipient language."""

    language: str
    account: Account
    owner: User
    plan: Plan
    charge: Charge
    invoice: Document
    credit_note: Document
    request: PrivacyRequest
    names: list[str] = field(default_factory=list)


def strings_in(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings_in(v)]
    return [value] if isinstance(value, str) and value.strip() else []


def world_build(language: str, accounts: tuple[Account, Account]) -> World:
    account = accounts[0] if language == "da" else accounts[1]
    with tenant_context(account):
        owner = User.objects.get(role=Role.OWNER)
    # Staff, the billing run and jobs work in the other language.
    with translation.override(other_language(language)), time_machine.travel(T0, tick=False):
        reference_data_ensure()
        billing_profile_ensure(account, country="DK" if language == "da" else "NO")
        plan = Plan.objects.get(code="team")
        subscribe(account, plan, seats=2)
        charge = Charge.objects.filter(account=account).latest("id")
        invoice = Document.objects.get(pk=charge.invoice_id)
        credit_note = credit_note_issue(invoice=invoice, reason=STAFF_TEXT[language], notify=False, render_pdf=False)
        request = request_file(
            kind=RequestKind.ACCESS, email="kari@example.org", full_name="Kari Nordmann", language=language
        )
    names = [account.name, owner.full_name, plan.name, str(charge.payment_method or ""), *FIXED_NAMES]
    names += [s for doc in (invoice, credit_note) for s in strings_in(doc.seller) + strings_in(doc.buyer)]
    names += strings_in(controller())  # the signature of the privacy mails (GDPR-10)
    return World(language, account, owner, plan, charge, invoice, credit_note, request, names)


def contexts_for(template: str, w: World) -> list[dict]:
    """The context(s) the portal passes to `template`: one per branch the template has."""
    when = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    url = account_url(w.account)
    base = {
        "account": w.account,
        "owner": w.owner,
        "user": w.owner,
        "url": url,
        "reason": STAFF_TEXT[w.language],
        "until": when,
        "trial_ends_at": when,
        "delete_on": when.date(),
        "users": 3,
        "seats": 2,
        "lifetime": False,
        "confirm_url": public_url("/confirm/Zk3pQv7T2mX9wR4sL8yB1nC6hJ0dF5g/"),
        "reset_url": f"{url}reset/MQ/cd8k-5f3e0c1b2a9d8e7f6a5b4c3d2e1f0a9b/",
        "accept_url": f"{url}invitation/Zk3pQv7T2mX9wR4sL8yB1nC6hJ0dF5g/",
        "inviter": w.owner,
        "role": Role.AGENT.label,
        "document": w.invoice,
        "is_credit_note": False,
        "charge": w.charge,
        "method": str(w.charge.payment_method or ""),
        "is_refund": False,
        "decline_code": "card_declined",
        "next_retry_at": when,
        "plan": w.plan,
        "old": w.plan.prices.order_by("effective_from").last(),
        "new": PlanPrice(
            plan=w.plan,
            currency=w.charge.currency,
            monthly_per_agent=Decimal("31.00"),
            annual_per_agent=Decimal("310.00"),
        ),
        "effective_from": when,
        "req": w.request,
        "controller": controller(),
        "requests": [w.request],
        "link": public_url("/privacy/verify/eyJyIjoiMTIzNDU2Nzgtb2aGVq:1vXyZa:Qm9vTm90QVJlYWxTaWduYXR1cmU/"),
        "code": "482913",
        "code_url": public_url(f"/privacy/request/{w.request.public_id}/"),
        "pdf_url": public_url("/privacy/download/Zk3pQv7T2mX9wR4sL8yB1nC6hJ0dF5g/pdf/"),
        "json_url": public_url("/privacy/download/Zk3pQv7T2mX9wR4sL8yB1nC6hJ0dF5g/json/"),
        "expires_at": when,
        "outcome": STAFF_TEXT[w.language],
        "legal_entity": "Example Cloud Ltd",
        "start_date": date(2026, 5, 1),
        "region": Region.EU.label,
        "registry_url": public_url("/subprocessors/versions/2/"),
        "object_url": f"{url}dpa/",
        "unsubscribe_url": public_url("/privacy/unsubscribe/Zk3pQv7T2mX9wR4sL8yB1nC6hJ0dF5g/"),
    }
    for attribute in ("refusal_reason", "extension_reason", "details", "outcome"):
        setattr(w.request, attribute, STAFF_TEXT[w.language])
    w.request.due_on = date(2026, 4, 2)
    w.request.handover_due_on = date(2026, 3, 20)
    variants = {
        "account_signup": [{}, {"lifetime": True}],
        "billing_document_issued": [{}, {"document": w.credit_note, "is_credit_note": True}],
        "subscriptions_receipt": [{}, {"is_refund": True}],
        # the sentence for a decline code, lazy, as the charge service passes it
        "subscriptions_payment_failed": [{"reason": decline_message("card_declined")}],
        "subscriptions_notice": [{}, {"object_url": None}],
        # the accounts an address is a user of, as accounts/find_account.py lists them
        "find_account": [{"entries": [{"name": w.account.name, "url": url}]}],
    }
    return [{**base, **variant} for variant in variants.get(template, [{}])]


def delivered_text(message) -> str:  # type: ignore[no-untyped-def]
    html = " ".join(re.sub(r"<[^>]+>", " ", content) for content, _type in getattr(message, "alternatives", []))
    return f"{message.subject}\n{message.body}\n{html}"


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", template_names())
def test_i18n_every_mail_template_reads_in_the_recipients_language(
    template, language, accounts_ready, mailoutbox, django_capture_on_commit_callbacks
):
    # given the real objects of a customer in `language`
    w = world_build(language, accounts_ready)
    problems = {}
    for n, context in enumerate(contexts_for(template, w)):
        mailoutbox.clear()
        # when the mail is sent while the process speaks the other language
        with translation.override(other_language(language)), django_capture_on_commit_callbacks(execute=True):
            mail_send(to="kari@example.org", template=template, language=language, context=context)
        # then the delivered subject, text and html hold no word of the other language or English
        found = offending_words(delivered_text(mailoutbox[0]), language, proper=w.names)
        if found:
            problems[f"{template} ({language}) variant {n}"] = found
    assert not problems, problems


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["invoice", "credit_note"])
def test_i18n_bil11_invoice_and_credit_note_pdf_read_in_the_buyers_language(kind, language, accounts_ready):
    # given an invoice from a real subscription charge and a credit note issued by staff working
    # in the other language
    w = world_build(language, accounts_ready)
    document = getattr(w, kind)
    # when its PDF is rendered (by a worker in the other language)
    with translation.override(other_language(language)):
        document = document_pdf_store(document_id=document.pk)
    with default_storage.open(document.pdf_file, "rb") as handle:
        text = pdf_text(handle.read())
    # then it reads in the buyer's language only, but for the fixed English and Slovak legal lines
    # every document of that tax treatment carries in every language (BIL-15)
    assert document.number in text
    for line in fixed_lines():
        text = text.replace(" ".join(line.split("%(number)s")[0].split()), "")
    assert not offending_words(text, language, proper=w.names), (kind, language, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_gdpr6_export_pdf_and_its_mails_read_in_the_requesters_language(
    language, accounts_ready, mailoutbox, django_capture_on_commit_callbacks
):
    # given a verified access request, the desk working in the other language
    other = other_language(language)
    with translation.override(other), django_capture_on_commit_callbacks(execute=True):
        request = request_file(
            kind=RequestKind.ACCESS, email="kari@example.org", full_name="Kari Nordmann", language=language
        )
        request = verify_by_link(token=verify_token(request))
    # when the export is made (PDF with the Art. 15 letter; the request is completed)
    with translation.override(other), django_capture_on_commit_callbacks(execute=True):
        export = export_create(request=request, actor=None)
    with export.pdf_file.open("rb") as handle:
        text = pdf_text(handle.read())
    # then the PDF and every mail the requester got read in the requester's language
    names = ["Kari Nordmann", *FIXED_NAMES]
    problems = {"export PDF": offending_words(text, language, proper=names)}
    for mail in mailoutbox:
        problems[mail.subject] = offending_words(delivered_text(mail), language, proper=names)
    assert len(mailoutbox) >= 3  # received/verify, export ready, completed
    assert not {k: v for k, v in problems.items() if v}, problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_bil6_receipt_and_credit_note_mails_of_a_real_charge_read_in_the_owners_language(
    language, accounts_ready, mailoutbox, django_capture_on_commit_callbacks
):
    # given a customer who starts a subscription while the process speaks the other language
    account = accounts_ready[0] if language == "da" else accounts_ready[1]
    with translation.override(other_language(language)), time_machine.travel(T0, tick=False):
        reference_data_ensure()
        billing_profile_ensure(account, country="DK" if language == "da" else "NO", email="kari@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            subscribe(account, Plan.objects.get(code="team"), seats=2)
        charge = Charge.objects.filter(account=account).latest("id")
        invoice = Document.objects.get(pk=charge.invoice_id)
        # and staff, in their admin language, credit the invoice
        with django_capture_on_commit_callbacks(execute=True):
            note = credit_note_issue(invoice=invoice, reason=STAFF_TEXT[language], render_pdf=False)
        # the worker renders each PDF; the receipt and the credit-note mail follow with it (BIL-14)
        with django_capture_on_commit_callbacks(execute=True):
            for document in (invoice, note):
                document_pdf_store(document_id=document.pk)
    # then the receipt and the credit-note mail read in the Owner's language
    templates = set(MailLog.objects.filter(account=account).values_list("template", flat=True))
    assert {"subscriptions_receipt", "billing_document_issued"} <= templates, templates
    names = [account.name, str(charge.payment_method or ""), "Team", *FIXED_NAMES]
    names += strings_in(invoice.seller) + strings_in(invoice.buyer)
    problems = {m.subject: offending_words(delivered_text(m), language, proper=names) for m in mailoutbox}
    assert not {k: v for k, v in problems.items() if v}, problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_acc5_suspension_mail_from_the_trial_job_reads_in_the_owners_language(
    language, accounts_ready, mailoutbox, django_capture_on_commit_callbacks
):
    # given a trial that ended without billing details
    account = make_account(f"sprog{language}", language=language, trial_ends_at=T0 - timedelta(days=1))
    # when the nightly job suspends it while the worker speaks the other language
    with translation.override(other_language(language)), django_capture_on_commit_callbacks(execute=True):
        run_jobs("trial_expiry", at=T0)
    # then the Owner's suspension mail, reason included, is in the Owner's language
    (mail,) = [m for m in mailoutbox if m.to == [f"owner@sprog{language}.example"]]
    assert not offending_words(delivered_text(mail), language, proper=[account.name, "Olga Owner", *FIXED_NAMES]), (
        mail.body
    )


def test_i18n_word_lists_tell_danish_norwegian_and_english_apart():
    # the scan is not blind: each language's give-aways are found in the other's text
    assert offending_words("Kortet blev afvist. Med venlig hilsen", "nb") == {
        "other language": ["afvist", "blev", "venlig"]
    }
    assert offending_words("Kortet ble avvist. Med vennlig hilsen", "da") == {
        "other language": ["avvist", "ble", "vennlig"]
    }
    assert offending_words("Dear customer, your invoice is ready", "da")["English"] == [
        "dear",
        "invoice",
        "ready",
        "your",
    ]
    # and correct text, names and links pass
    assert not offending_words("Kortet blev afvist, og intet blev ændret.", "da")
    assert not offending_words("Kortet ble avvist, og ingenting ble endret.", "nb")
    assert not offending_words("Hei Kari, se https://example.org/the/invoice", "nb", proper=["Kari"])
    assert not offending_words("Faktura fra Nordlys Kundeservice AS", "da", proper=["Nordlys Kundeservice AS"])
