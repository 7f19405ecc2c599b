"""What the mail log may keep (issue 15, point 4): the mail as sent, minus its secrets.

A login, reset, confirmation, invitation, download or unsubscribe link, and a one-time code, is
as good as a password for as long as it works; the log (staff with "Mail log" rights, every
database backup) must only show that one was sent. Secrets are found in three ways, strongest
first:
1. the caller names them: `mail_send(..., secret=("reset_url",))`;
2. every context value the mailer is given that is a link with a token-like path segment, or a
   code (6 or more digits, or a key named `code`/`…_code`/`…token`);
3. as a safety net, any link in the rendered text with a token-like path segment, whoever put
   it there.
The delivered message is rendered separately and keeps everything.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.utils.html import escape
from django.utils.translation import gettext as _

URL = re.compile(r"https?://[^\s<>\"')\]]+")
CODE = re.compile(r"^\d{6,}$")
CODE_IN_TEXT = re.compile(r"\b\d{6,}\b")
SEGMENT = re.compile(r"^[A-Za-z0-9_\-:.=~%]+$")


def token_like(segment: str) -> bool:
    """A path segment that carries a secret: signed tokens, uid/token pairs' tokens, UUIDs,
    random strings. Words ("min-konto") and short numbers ("2026-0001") are not."""
    if not SEGMENT.match(segment):
        return False
    if len(segment) >= 32:
        return True
    return len(segment) >= 16 and any(c.isdigit() for c in segment) and any(c.isalpha() for c in segment)


def url_has_token(url: str) -> bool:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    query_values = [kv.split("=", 1)[-1] for kv in parts.query.split("&") if kv]
    return any(token_like(s) for s in segments + query_values)


def secret_values(context: Mapping[str, Any], declared: Iterable[str] = ()) -> set[str]:
    declared = set(declared)
    found: set[str] = set()
    for key, value in context.items():
        if value is None or isinstance(value, bool):
            continue
        text = str(value) if isinstance(value, str | int) else None
        if text is None or not text.strip():
            continue
        if (
            key in declared
            or CODE.match(text.strip())
            or key == "code"
            or key.endswith("_code")
            or key.endswith("token")
            or (text.startswith(("http://", "https://")) and url_has_token(text))
        ):
            found.add(text.strip())
    return found


def removed_link_note() -> str:
    return _("[link removed from the log]")


def removed_code_note() -> str:
    return _("[code removed from the log]")


def redact(text: str, secrets: set[str]) -> str:
    """Replace every secret, then every remaining token-bearing link. Call inside the
    recipient's language, so the placeholders read in it."""
    link_note, code_note = removed_link_note(), removed_code_note()
    # Longest first, so a link is removed whole before a code inside it is.
    for secret in sorted(secrets, key=len, reverse=True):
        note = link_note if secret.startswith(("http://", "https://")) else code_note
        # The text part is not HTML-escaped, but a caller may hand in text that went through an
        # escaping template: a link with "&" may be there as "&amp;".
        text = text.replace(secret, note).replace(str(escape(secret)), note)
    return URL.sub(lambda m: link_note if url_has_token(m.group(0)) else m.group(0), text)
