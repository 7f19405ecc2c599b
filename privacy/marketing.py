"""Asked by the mailer before every marketing e-mail (GDPR-3, -6, -9).

`marketing_allowed(email)`: a live marketing consent and no restriction or objection.
`unsubscribe_url(email)`: a one-click link. Its token is opaque (the address is encrypted, never
readable base64: URLs end up in logs and Referer headers), good for unsubscribing only, and it
expires after a year; an expired link's page points to the consent switch in Min konto and the
privacy request form.
"""

from datetime import timedelta

from django.urls import reverse

from config.tokens import token_make, token_read
from core.links import public_url
from privacy.models import Consent, ConsentPurpose, SubjectFlag

UNSUBSCRIBE_PURPOSE = "privacy.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=365)


def _allowed(email: str, purpose: str) -> bool:
    email = email.strip().lower()
    if SubjectFlag.objects.filter(email__iexact=email).exists():
        return False
    return Consent.objects.filter(email__iexact=email, purpose=purpose, withdrawn_at__isnull=True).exists()


def marketing_allowed(email: str) -> bool:
    return _allowed(email, ConsentPurpose.MARKETING)


def profiling_allowed(email: str) -> bool:
    return _allowed(email, ConsentPurpose.PROFILING)


def unsubscribe_token(email: str) -> str:
    return token_make(UNSUBSCRIBE_PURPOSE, {"e": email.strip().lower()})


def unsubscribe_email(token: str) -> str | None:
    """The address of a genuine link, or None for a forged, damaged, expired or old-format one."""
    data = token_read(UNSUBSCRIBE_PURPOSE, token, max_age=UNSUBSCRIBE_MAX_AGE)
    return data["e"] if data is not None and isinstance(data.get("e"), str) else None


def unsubscribe_url(email: str) -> str:
    return public_url(reverse("privacy-unsubscribe", args=[unsubscribe_token(email)], urlconf="config.urls_public"))
