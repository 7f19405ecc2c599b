"""Secrets kept secret: the public built-in SECRET_KEY is refused outside DEBUG (so links forged
with it never meet a production app that accepts them), and every token in a link is opaque,
single-purpose and expiring."""

import base64
import binascii
import os
import re
import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import signing
from django.test import override_settings

from config.checks import secret_key_check
from config.secret_key import BUILTIN_SECRET_KEY, SECRET_KEY_CHECK_ID, secret_key_fallbacks_from_env
from config.tokens import token_make, token_read
from privacy.links import verify_token
from privacy.marketing import marketing_allowed, unsubscribe_token, unsubscribe_url
from privacy.models import ConsentPurpose, ConsentSource, PrivacyRequest, RequestKind, RequestStatus
from privacy.services.common import NotVerified
from privacy.services.consents import consent_give
from privacy.services.erasure import erasure_run
from privacy.services.intake import request_file
from subprocessors.links import owner_opt_out_token, subscriber_confirm_token, subscriber_unsubscribe_token
from subprocessors.models import OwnerOptOut, Subscriber
from subprocessors.services import subscriber_subscribe

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "mette@fjord-support.dk"


def _production_env(**extra: str) -> dict[str, str]:
    """The environment of a deployment that forgot KONTO_SECRET_KEY: DEBUG off, and no
    development key file either (a developer's var/secret-key must not hide the mistake)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONTO_SECRET_KEY")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "KONTO_DEBUG": "0", "KONTO_SECRET_KEY_FILE": ""})
    env.update(extra)
    return env


@pytest.fixture
def file_request(accounts_ready, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """A public request, unverified, with its code and link mailed."""

    def make(email: str, kind: str = RequestKind.ACCESS) -> PrivacyRequest:
        with django_capture_on_commit_callbacks(execute=True):
            return request_file(kind=kind, email=email, full_name="Mette Fjord", language="da")

    return make


def _run(*args: str, env: dict[str, str], timeout: int = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


# --- the built-in key ------------------------------------------------------------------------


def test_secret_key_builtin_key_is_a_system_check_error_with_debug_off():
    with override_settings(SECRET_KEY=BUILTIN_SECRET_KEY, DEBUG=False):
        assert [error.id for error in secret_key_check()] == [SECRET_KEY_CHECK_ID]
    with override_settings(SECRET_KEY="a-real-key", SECRET_KEY_FALLBACKS=[BUILTIN_SECRET_KEY], DEBUG=False):
        assert [error.id for error in secret_key_check()] == [SECRET_KEY_CHECK_ID]
    with override_settings(SECRET_KEY=BUILTIN_SECRET_KEY, DEBUG=True):
        assert secret_key_check() == []


def test_secret_key_check_deploy_fails_in_production_without_a_key():
    result = _run(sys.executable, "manage.py", "check", "--deploy", env=_production_env())
    assert result.returncode != 0
    assert SECRET_KEY_CHECK_ID in result.stderr
    # the plain check (run by runserver and migrate too) refuses it as well
    assert _run(sys.executable, "manage.py", "check", env=_production_env()).returncode != 0
    # with a key of its own the error is gone
    ok = _run(sys.executable, "manage.py", "check", env=_production_env(KONTO_SECRET_KEY="k" * 50 + "-own-key"))
    assert ok.returncode == 0 and SECRET_KEY_CHECK_ID not in ok.stderr + ok.stdout


def test_secret_key_development_key_file_is_used_when_no_key_is_set(tmp_path):
    key_file = tmp_path / "secret-key"
    key_file.write_text("development-key-from-the-file-0123456789abcdef\n")
    result = _run(
        sys.executable,
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env=_production_env(KONTO_SECRET_KEY_FILE=str(key_file)),
    )
    assert result.stdout.strip() == "development-key-from-the-file-0123456789abcdef"


def test_secret_key_wsgi_entry_refuses_to_start_with_the_builtin_key():
    result = _run(sys.executable, "-c", "import config.wsgi", env=_production_env())
    assert result.returncode != 0 and "built-in SECRET_KEY" in result.stderr


@pytest.mark.worker
def test_secret_key_celery_worker_refuses_to_start_with_the_builtin_key():
    result = _run(
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", env=_production_env(), timeout=90
    )
    assert result.returncode != 0 and "built-in SECRET_KEY" in result.stderr + result.stdout


def test_secret_key_fallbacks_come_from_a_comma_separated_variable(monkeypatch):
    monkeypatch.setenv("KONTO_SECRET_KEY_FALLBACKS", " old-key-1 ,old-key-2,, ")
    assert secret_key_fallbacks_from_env() == ["old-key-1", "old-key-2"]
    # a token made with the old key still opens while the old key is a fallback, and not after
    with override_settings(SECRET_KEY="old-key-1"):
        token = token_make("test.rotation", {"x": 1})
    with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=["old-key-1"]):
        assert token_read("test.rotation", token, max_age=timedelta(hours=1)) == {"x": 1}
    with override_settings(SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=[]):
        assert token_read("test.rotation", token, max_age=timedelta(hours=1)) is None


# --- forged, foreign, expired and old-format links ---------------------------------------------


@pytest.mark.django_db
def test_forged_gdpr_link_made_with_the_builtin_key_is_refused(file_request, public_client):
    request = file_request(email=EMAIL, kind=RequestKind.ERASURE)
    with override_settings(SECRET_KEY=BUILTIN_SECRET_KEY):
        forged = verify_token(request)
    # the old signed format made with the built-in key, too
    old = signing.Signer(key=BUILTIN_SECRET_KEY, salt="privacy.verify").sign_object({"r": str(request.public_id)})
    for token in (forged, old):
        assert public_client.get(f"/privacy/verify/{token}/").status_code == 400
    request.refresh_from_db()
    assert request.status == RequestStatus.UNVERIFIED
    with pytest.raises(NotVerified):
        erasure_run(request=request, actor=None)


@pytest.mark.django_db
def test_tokens_minted_for_one_purpose_are_refused_for_another(public_client, account_a, file_request):
    consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    subscriber = subscriber_subscribe(email="dpo@example.test", language="da")
    request = file_request(email=EMAIL)
    confirm = subscriber_confirm_token(subscriber)
    # a registry confirmation link does not unsubscribe, verify a GDPR request or opt an Owner out
    assert public_client.get(f"/subprocessors/unsubscribe/{confirm}/").status_code == 404
    assert public_client.get(f"/privacy/verify/{confirm}/").status_code == 400
    assert public_client.get(f"/subprocessors/owner-opt-out/{confirm}/").status_code == 404
    # a marketing unsubscribe link does not confirm a registry subscription
    assert public_client.get(f"/subprocessors/subscribe/confirm/{unsubscribe_token(EMAIL)}/").status_code == 404
    # an owner opt-out link is not a marketing unsubscribe link
    assert public_client.get(f"/unsubscribe/{owner_opt_out_token(account_a)}/").status_code == 400
    subscriber.refresh_from_db()
    request.refresh_from_db()
    assert subscriber.confirmed_at is None and subscriber.unsubscribed_at is None
    assert request.status == RequestStatus.UNVERIFIED
    assert marketing_allowed(EMAIL) and not OwnerOptOut.objects.exists()


@pytest.mark.django_db
def test_expired_tokens_are_refused(public_client, account_a):
    consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    subscriber = subscriber_subscribe(email="dpo@example.test", language="da")
    with time_machine.travel(datetime.now(UTC) - timedelta(days=8)):
        confirm = subscriber_confirm_token(subscriber)
    with time_machine.travel(datetime.now(UTC) - timedelta(days=366)):
        unsubscribe = unsubscribe_token(EMAIL)
        opt_out = owner_opt_out_token(account_a)
    assert public_client.get(f"/subprocessors/subscribe/confirm/{confirm}/").status_code == 404
    page = public_client.get(f"/unsubscribe/{unsubscribe}/", HTTP_ACCEPT_LANGUAGE="da")
    assert page.status_code == 400 and "udløbet" in page.content.decode()
    assert public_client.get(f"/subprocessors/owner-opt-out/{opt_out}/").status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None and marketing_allowed(EMAIL) and not OwnerOptOut.objects.exists()
    # within their lifetime they work
    assert (
        public_client.get(f"/subprocessors/subscribe/confirm/{subscriber_confirm_token(subscriber)}/").status_code
        == 200
    )


@pytest.mark.django_db
def test_old_format_links_get_a_clear_translated_page(public_client, account_a):
    consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    old_unsubscribe = signing.dumps({"e": EMAIL}, salt="privacy.unsubscribe", compress=True)
    page = public_client.get(f"/unsubscribe/{old_unsubscribe}/", HTTP_ACCEPT_LANGUAGE="nb")
    assert page.status_code == 400 and "Min konto" in page.content.decode() and "utløpt" in page.content.decode()
    subscriber = subscriber_subscribe(email="dpo@example.test", language="da")
    page = public_client.get(f"/subprocessors/subscribe/confirm/{subscriber.token}/", HTTP_ACCEPT_LANGUAGE="da")
    assert page.status_code == 404 and "Linket er ukendt, udløbet eller ændret" in page.content.decode()
    old_opt_out = signing.dumps({"account": account_a.pk}, salt="subprocessors.owner-opt-out")
    assert public_client.get(f"/subprocessors/owner-opt-out/{old_opt_out}/").status_code == 404
    assert marketing_allowed(EMAIL) and not Subscriber.objects.filter(confirmed_at__isnull=False).exists()


def _decodings(url: str) -> list[bytes]:
    """Every way a segment of the URL could be read back: base64 (either alphabet, any padding),
    and zlib on top, as Django's signing does."""
    found = []
    for segment in re.split(r"[/:.?=&]", urlsplit(url).path):
        for candidate in (segment, segment.lstrip(".")):
            for decode in (base64.urlsafe_b64decode, base64.b64decode):
                try:
                    raw = decode(candidate + "=" * (-len(candidate) % 4))
                except (binascii.Error, ValueError):
                    continue
                found.append(raw)
                try:
                    found.append(zlib.decompress(raw))
                except zlib.error:
                    pass
    return found


@pytest.mark.django_db
def test_unsubscribe_urls_carry_no_readable_address_or_id(account_a, file_request):
    url = unsubscribe_url(EMAIL)
    assert EMAIL not in url
    assert not any(EMAIL.encode() in raw or b"mette" in raw for raw in _decodings(url))
    # the way the old format leaked it, for contrast: the check above would have caught it
    old = signing.dumps({"e": EMAIL}, salt="privacy.unsubscribe", compress=True)
    assert any(EMAIL.encode() in raw for raw in _decodings(f"/unsubscribe/{old}/"))
    subscriber = subscriber_subscribe(email="dpo@example.test", language="da")
    for token in (subscriber_unsubscribe_token(subscriber), subscriber_confirm_token(subscriber)):
        assert subscriber.token not in token
        assert not any(b"dpo@" in raw or subscriber.token.encode() in raw for raw in _decodings(f"/x/{token}/"))
    opt_out = owner_opt_out_token(account_a)
    assert not any(f'"a":{account_a.pk}'.encode() in raw for raw in _decodings(f"/x/{opt_out}/"))
    request = file_request(email=EMAIL)
    assert not any(str(request.public_id).encode() in raw for raw in _decodings(f"/x/{verify_token(request)}/"))
    assert PrivacyRequest.objects.filter(email=EMAIL).exists()
