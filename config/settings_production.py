"""Production settings: `DJANGO_SETTINGS_MODULE=config.settings_production`.

Everything of config.settings, plus what a deployment behind an HTTPS front server needs.
`manage.py check --deploy --fail-level WARNING` passes with these settings (tests/
test_production_settings.py). The environment variables are listed in the README ("Production
settings").
"""

from django.core.exceptions import ImproperlyConfigured

from config import settings as _base
from config.settings import *  # noqa: F403
from config.settings import CONTENT_SECURITY_POLICY, env, env_bool

DEBUG = False

# No built-in fallback: without its own key a deployment would sign links with a public one.
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("KONTO_SECRET_KEY must be set (at least 50 random characters).")

PUBLIC_SCHEME = env("PUBLIC_SCHEME", "https")
PUBLIC_PORT = env("PUBLIC_PORT", "")

# HTTPS. The front server terminates TLS and tells Django so in one header, named by
# KONTO_PROXY_SSL_HEADER as "HEADER,value" (default: X-Forwarded-Proto: https). The front server
# must set (not pass on) that header, or a client could claim HTTPS itself. Empty: no proxy header.
_proxy_header = env("PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO,https")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header.split(",", 1)) if _proxy_header else None
# On by default; KONTO_SSL_REDIRECT=0 switches it off for a local plain-HTTP run (check --deploy
# then warns, rightly).
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
# /healthz is probed over plain HTTP by local supervisors and load balancers.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS for a year, sub-domains included: every account lives on a sub-domain of the base domain.
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload is off unless KONTO_HSTS_PRELOAD=1: a domain in the browsers' preload list can leave it
# only after months, so it is the operator's deliberate choice once every host serves HTTPS.
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    *getattr(_base, "SILENCED_SYSTEM_CHECKS", []),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "upgrade-insecure-requests": True,
    },
}
