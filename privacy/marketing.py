"""Asked by the mailer before every marketing e-mail (GDPR-3, -6, -9).

`marketing_allowed(email)`: a live marketing consent and no restriction or objection.
`unsubscribe_url(email)`: a signed one-click link; it never expires, because an old newsletter
must still unsubscribe its reader.
"""

from django.core import signing
from django.urls import reverse

from privacy.models import Consent, ConsentPurpose, SubjectFlag

UNSUBSCRIBE_SALT = "privacy.unsubscribe"


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
    return signing.dumps({"e": email.strip().lower()}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_email(token: str) -> str | None:
    """The address of a genuine link, or None for a forged or damaged one."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)["e"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


def unsubscribe_url(email: str) -> str:
    from privacy.services import public_url

    return public_url(reverse("privacy-unsubscribe", args=[unsubscribe_token(email)], urlconf="config.urls_public"))
