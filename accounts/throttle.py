"""Throttles for forms that mail an address or create something (ACC-2 and the mail floods of
issue 15), counted by django-ratelimit in the cache (Redis).

Each limiter is named in `settings.RATE_LIMITS` ("3/h") and counts one key: the normalised
e-mail address, the client's IP address (IPv6 by /64, as django-ratelimit does), or a user.

When Redis is unreachable a limiter fails **open** or **closed** by its declared choice — never
with a 500:
- open (the request goes through): password reset, registry subscribe, privacy requests, "find my
  account", and the sign-up's address check (it only reads). They mail a link or code only to
  the address typed in, the harm of a flood is bounded by the other limits (the privacy desk's
  per-request code limit, axes on logins), and refusing them would lock people out of
  their own data and accounts while the cache is down.
- closed (refused with the "try again later" message): sign-up, which creates an account, a
  schema and an Owner; without a working counter a bot could create accounts at will.
"""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# Limiters that let requests through while the cache is down (see the module docstring).
FAIL_OPEN = {
    "password_reset_address",
    "password_reset_ip",
    "subscribe_address",
    "subscribe_ip",
    "privacy_request_address",
    "privacy_request_ip",
    "privacy_resend_request",
    "invitation_user",
    "find_account_address",
    "find_account_ip",
    "signup_check_ip",  # the sign-up's address check only reads
}


def ip_key(request: HttpRequest) -> str:
    ip = request.META.get("REMOTE_ADDR") or "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    prefix = 32 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def address_key(email: str) -> str:
    # Hashed: the cache never holds the address itself.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def throttled(request: HttpRequest, name: str, value: str) -> bool:
    """Count one use of limiter `name` for `value` and say whether to refuse it."""
    return refusal(request, [(name, value)]) is not None


def refusal(request: HttpRequest, checks: list[tuple[str, str]]) -> str | None:
    """Count the attempt on every limiter (so a refused attempt still counts) and return the
    message to show when it must be refused, else None."""
    over = unavailable = False
    for name, value in checks:
        try:
            usage = get_usage(
                request,
                group=f"throttle:{name}",
                key=lambda _group, _request, value=value: value,
                rate=settings.RATE_LIMITS[name],
                increment=True,
            )
        except (RedisError, OSError) as exc:
            # django-ratelimit only guards against DNS errors; a refused connection lands here.
            fails_open = name in FAIL_OPEN
            log.warning(
                "throttle %s: cache unavailable (%s), failing %s",
                name,
                exc.__class__.__name__,
                "open" if fails_open else "closed",
            )
            unavailable = unavailable or not fails_open
            continue
        over = over or bool(usage and usage["should_limit"])
    if over:
        return _("Too many attempts in a short time. Please wait a while and try again.")
    if unavailable:
        return _("This is not possible right now. Please try again in a few minutes.")
    return None
