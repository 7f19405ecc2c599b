"""Tokens in links: opaque, single-purpose and expiring.

`token_make(purpose, data)` encrypts and authenticates `data` (Fernet: AES-128-CBC + HMAC-SHA256)
with a key derived from SECRET_KEY and the purpose, so the token shows neither an address nor an
id, a token minted for one purpose never opens another, and `token_read` refuses it after
`max_age`. Keys from SECRET_KEY_FALLBACKS still open tokens during a key rotation.

Django's `signing.dumps` is only signed: its payload is base64 anyone can read (an e-mail address
in an unsubscribe link ends up in logs and Referer headers), so links do not use it.
"""

import base64
import json
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

from config.clock import now

# A genuine token is about 100-200 characters; anything far longer is not worth decrypting.
MAX_TOKEN_LENGTH = 1000


def _key(purpose: str, secret: str) -> Fernet:
    digest = salted_hmac(f"kontoportal.tokens.{purpose}", "fernet", secret=secret, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _fernet(purpose: str) -> MultiFernet:
    """The current key first (it encrypts); the fallbacks only decrypt."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_key(purpose, secret) for secret in secrets])


def token_make(purpose: str, data: dict[str, Any]) -> str:
    payload = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    token = _fernet(purpose).encrypt_at_time(payload, int(now().timestamp()))
    return token.decode().rstrip("=")  # the padding is restored on reading


def token_read(purpose: str, token: str, *, max_age: timedelta) -> dict[str, Any] | None:
    """The data of a genuine token of this purpose not older than `max_age`; None for anything
    else (forged, damaged, expired, another purpose, an old-format link, NUL bytes, junk)."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        raw = (token + "=" * (-len(token) % 4)).encode("ascii")
        payload = _fernet(purpose).decrypt_at_time(raw, int(max_age.total_seconds()), int(now().timestamp()))
        data = json.loads(payload)
    except (InvalidToken, UnicodeError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None
