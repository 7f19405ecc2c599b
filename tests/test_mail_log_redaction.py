"""Issue 15, point 4: the mail log keeps no usable link or code. Every mail template of the project
(templates/email and each app's templates/email) is sent through the one mailer with a context
full of secrets; the logged subject and body hold none of them, nor any link with a token-like
path segment, nor any 6+ digit code — and the delivered mail still carries every one."""

import io
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.mail_redact import url_has_token
from accounts.mailer import mail_send
from accounts.models import MailLog
from config.clock import now

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
CODE = "482913"
URL_KEYS = (
    "url",
    "welcome_url",
    "reset_url",
    "link",
    "code_url",
    "pdf_url",
    "json_url",
    "confirm_url",
    "accept_url",
    "object_url",
    "registry_url",
)


def template_names() -> list[str]:
    """Every `<name>.subject.txt` under a templates/email directory of the project."""
    roots = [Path(settings.BASE_DIR) / "templates" / "email"] + [
        path for path in Path(settings.BASE_DIR).glob("*/templates/email") if ".venv" not in path.parts
    ]
    roots += [path for path in Path(settings.BASE_DIR).glob("*/*/templates/email") if ".venv" not in path.parts]
    names = set()
    for root in roots:
        for subject in root.rglob("*.subject.txt"):
            names.add(str(subject.relative_to(root))[: -len(".subject.txt")])
    return sorted(names)


def secret_url(key: str, n: int) -> str:
    # The shapes the portal's links have: uid + token, signed tokens, UUIDs, random strings.
    shapes = [
        f"http://alfa.localhost:8000/min-konto/welcome/MQ/cd8k{n}q-5f3e0c1b2a9d8e7f6a5b4c3d2e1f0a9b/",
        f"http://localhost:8000/privacy/verify/eyJyIjoiMTIzNDU2Nzgtb{n}aGVq:1vXyZa:Qm9vTm90QVJlYWxTaWduYXR1cmU/",
        f"http://localhost:8000/privacy/request/5b0f6c1e-8d{n}2-4c7a-9e3f-2a6b8c0d4e1f/",
        f"http://localhost:8000/subprocessors/subscribe/confirm/Zk3pQ{n}v7T2mX9wR4sL8yB1nC6hJ0dF5g/",
    ]
    return shapes[n % len(shapes)]


def secret_context() -> tuple[dict, set[str]]:
    when = datetime(2027, 3, 1, 9, 0, tzinfo=CPH)
    urls = {key: secret_url(key, n) for n, key in enumerate(URL_KEYS)}
    account = SimpleNamespace(name="Alfa Support ApS", slug="alfa")
    request = SimpleNamespace(
        pk=7,
        # GDPR-10: the case reference every privacy mail carries; the log must keep it readable.
        reference="GDPR-2027-00007",
        full_name="Kari Nordmann",
        email="kari@example.org",
        details="",
        outcome="",
        refusal_reason="",
        extension_reason="",
        due_on=date(2027, 3, 31),
        handover_due_on=date(2027, 3, 10),
        get_kind_display="Access",
    )
    context = {
        **urls,
        "code": CODE,
        "account": account,
        "name": "Alfa Support ApS",
        "req": request,
        "controller": {
            "name": "Kontoportal s.r.o.",
            "address": "Mlynské nivy 5, 821 09 Bratislava",
            "email": "privacy@kontoportal.localhost",
        },
        "requests": [request],
        "r": request,
        "inviter": SimpleNamespace(full_name="Anne Alfa"),
        "role": "Agent",
        "users": 7,
        "seats": 5,
        "reason": "Spam",
        "date": when,
        "until": when,
        "trial_ends_at": when,
        "delete_on": when,
        "expires_at": when,
        "start_date": date(2027, 4, 1),
        "effective_from": date(2027, 4, 1),
        "next_retry_at": when,
        "legal_entity": "Example Cloud Ltd",
        "region": "EU",
        "charge": SimpleNamespace(
            amount=Decimal("99.00"),
            currency="DKK",
            invoice_number="2027-0001",
            paid_at=when,
            gateway_ref="sandbox-1",
            description="Plan",
        ),
        "method": "Visa •••• 4242",
        "document": SimpleNamespace(
            number="2027-0001",
            gross_total=Decimal("125.00"),
            currency="DKK",
            due_date=date(2027, 3, 15),
            seller=SimpleNamespace(legal_name="Kontoportal ApS"),
            credited_invoice=SimpleNamespace(number="2027-0000"),
        ),
        "invoice": "2027-0001",
        "plan": "Team",
        "kind": "Access",
    }
    return context, set(urls.values()) | {CODE}


def assert_nothing_usable(text: str, secrets: set[str]) -> None:
    for secret in secrets:
        assert secret not in text
        # no tail of a token either (a link cut at the subject's 255 characters)
        assert secret.rstrip("/").rsplit("/", 1)[-1] not in text
    for url in re.findall(r"https?://\S+", text):
        assert not url_has_token(url), url
    assert not re.search(r"\d{6,}", text), text


def test_every_mail_template_is_found():
    names = template_names()
    assert {"password_reset", "account_signup", "privacy/verify", "privacy/export_ready"} <= set(names)
    assert len(names) >= 25


@pytest.mark.parametrize("language", ["da", "nb"])
@pytest.mark.parametrize("template", template_names())
def test_mail_log_holds_no_usable_link_or_code(template, language, mailoutbox, django_capture_on_commit_callbacks):
    context, secrets = secret_context()
    source = "".join(
        path.read_text()
        for path in Path(settings.BASE_DIR).rglob(f"templates/email/{template}.*")
        if ".venv" not in path.parts
    )
    # the secrets the template prints: `{{ key }}` or `… with x=key`
    used = {
        value
        for key, value in context.items()
        if isinstance(value, str) and value in secrets and re.search(rf"[{{=]\s*{key}\b", source)
    }
    # when
    with django_capture_on_commit_callbacks(execute=True):
        log = mail_send(to="kari@example.org", template=template, language=language, context=context)
    # then the log shows no secret …
    log = MailLog.objects.get(pk=log.pk)
    assert_nothing_usable(log.subject, secrets)
    assert_nothing_usable(log.body, secrets)
    # … and keeps what staff look for: the case reference of a privacy mail (GDPR-10)
    if template.startswith("privacy/"):
        assert "GDPR-2027-00007" in log.subject + log.body
    # … but says that one was sent, in the recipient's language
    notes = {"da": ("[link fjernet fra loggen]", "[kode fjernet fra loggen]")}.get(language)
    if notes and used:
        assert any(note in log.body for note in notes)
    # and the delivered mail carries every secret its template uses
    assert len(mailoutbox) == 1
    sent = mailoutbox[0].subject + mailoutbox[0].body
    for secret in used:
        assert secret in sent


def test_declared_secret_is_removed_whatever_its_shape(mailoutbox, django_capture_on_commit_callbacks):
    # given a short link the heuristics would not catch, declared secret by the caller
    context, _secrets = secret_context()
    context["reset_url"] = "http://alfa.localhost:8000/r/abc/"
    with django_capture_on_commit_callbacks(execute=True):
        log = mail_send(
            to="owner@alfa.dk", template="password_reset", language="da", context=context, secret=("reset_url",)
        )
    log.refresh_from_db()
    assert "/r/abc/" not in log.body and "[link fjernet fra loggen]" in log.body
    assert "http://alfa.localhost:8000/r/abc/" in mailoutbox[0].body


def test_password_reset_from_min_konto_logs_no_reset_link(
    client_a, in_account_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post("/min-konto/reset/", {"email": "owner@alfa.dk"})
    log = MailLog.objects.get(template="password_reset", recipient="owner@alfa.dk")
    link = re.search(r"http://\S+/min-konto/reset/\S+/", mailoutbox[0].body).group(0)
    assert link not in log.body and "/min-konto/reset/" not in log.body
    # the link from the mail works; nothing in the log leads there
    assert client_a.get(link).status_code in {200, 302}


def test_rows_logged_before_redaction_are_cleaned_by_the_command():
    # given rows written by the old mailer, with a live welcome link and a GDPR code
    link = "http://alfa.localhost:8000/min-konto/welcome/MQ/cd8k0q-5f3e0c1b2a9d8e7f6a5b4c3d2e1f0a9b/"
    welcome = MailLog.objects.create(
        created_at=now(), recipient="a@example.org", template="account_signup", language="da", subject="Klar", body=link
    )
    verify = MailLog.objects.create(
        created_at=now(),
        recipient="b@example.org",
        template="privacy/verify",
        language="nb",
        subject="Kode",
        body=f"Koden din: {CODE}\nhttp://localhost:8000/privacy/request/written/",
    )
    # when
    call_command("mail_log_redact", stdout=io.StringIO())
    call_command("mail_log_redact", stdout=io.StringIO())  # idempotent
    # then
    welcome.refresh_from_db()
    verify.refresh_from_db()
    assert welcome.body == "[link fjernet fra loggen]"
    assert verify.body == "Koden din: [kode fjernet fra loggen]\nhttp://localhost:8000/privacy/request/written/"
