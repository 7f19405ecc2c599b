"""The verification link of the privacy desk (GDPR-4): opaque, single-purpose, expiring with the
code, and bound to the code it was sent with (a new code makes the previous link useless too).

Old-format links (a readable request id, only signed) are refused like forged ones.
"""

from datetime import timedelta
from typing import Any

from config.tokens import token_make, token_read
from privacy.models import PrivacyRequest

VERIFY_PURPOSE = "privacy.verify"
VERIFY_MAX_AGE = timedelta(hours=24)


def verify_token(request: PrivacyRequest) -> str:
    return token_make(VERIFY_PURPOSE, {"r": str(request.public_id), "c": request.code_hash[-16:]})


def verify_token_read(token: str) -> dict[str, Any]:
    """The token's data, or {} for anything that is not a genuine, fresh verification link."""
    return token_read(VERIFY_PURPOSE, token, max_age=VERIFY_MAX_AGE) or {}


def verify_token_matches(data: dict[str, Any], request: PrivacyRequest) -> bool:
    return bool(request.code_hash) and data.get("c") == request.code_hash[-16:]
