"""What the portal tells a requester when it closes a request (GDPR-5), written for its reader.

A request stores an outcome code and its parameters, never a translated sentence: the sentence
is made in the requester's language each time it is shown — in the mail, on the desk — whatever
language the code that closed the request ran under (a Danish-speaking staff member, a job)."""

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from privacy import registry
from privacy.models import PrivacyRequest

CONSENT_WITHDRAWN = "consent_withdrawn"
RESTRICTED = "restricted"
EXPORTED = "exported"
ERASED = "erased"


def _erased(params: dict[str, Any]) -> list[str]:
    lines = [_("Your personal data has been erased.")]
    # The law keeps some records; say which and why.
    known = {source.key: source for source in registry.sources()}
    for key in params.get("kept", []):
        source = known.get(key)
        if source is not None and source.kept_reason:
            lines.append(f"{source.label}: {source.kept_reason}")
    return lines


def _sentences(code: str, params: dict[str, Any]) -> list[str]:
    if code == CONSENT_WITHDRAWN:
        return [_("Your consent has been withdrawn.")]
    if code == RESTRICTED:
        return [_("We no longer use your data for marketing or profiling.")]
    if code == EXPORTED:
        return [_("Your data has been sent to you as a download.")]
    if code == ERASED:
        return _erased(params)
    return []


def outcome_text(request: PrivacyRequest, language: str | None = None) -> str:
    """The outcome in `language` (the requester's by default): the portal's sentences for the
    stored code, then what staff wrote."""
    with translation.override(language or request.language):
        lines = _sentences(request.outcome_code, request.outcome_params or {})
    if request.outcome:
        lines.append(request.outcome)
    return "\n".join(str(line) for line in lines)
