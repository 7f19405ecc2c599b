"""System checks of the portal's own. Registered by accounts.apps, so they run in `check`,
`check --deploy`, `runserver` and `migrate`; the WSGI entry and the Celery app call
`secret_key_refuse()` at start too."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from config.secret_key import BUILTIN_SECRET_KEY, SECRET_KEY_CHECK_ID


@register(Tags.security)
def secret_key_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The built-in key is public: outside DEBUG it would let anyone forge GDPR verification links,
    unsubscribe links and sessions. Refused as the key and as a fallback."""
    if settings.DEBUG:
        return []
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if BUILTIN_SECRET_KEY not in keys:
        return []
    return [
        Error(
            "The built-in SECRET_KEY is used with DEBUG off.",
            hint="Set KONTO_SECRET_KEY to a long random value (and remove the built-in key from "
            "KONTO_SECRET_KEY_FALLBACKS); `make run` writes a development key to var/secret-key.",
            id=SECRET_KEY_CHECK_ID,
        )
    ]


def secret_key_refuse() -> None:
    """Called by the WSGI entry and the Celery app: refuse to start with the built-in key."""
    errors = secret_key_check()
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
