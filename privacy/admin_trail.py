"""The audit rows on a privacy request's admin page (GDPR-8) as staff read them in their
language: the step as a sentence, who took it ("The data subject", "The system", a staff
member), and its details as labelled values in words — never a code or a Python dict."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import describe
from core.models import AuditEvent
from privacy.audit import SUBJECT, SYSTEM, request_trail
from privacy.models import AuditAction, ConsentPurpose, PrivacyRequest, RequestKind

METHODS = {
    "email_code": gettext_lazy("the code sent by e-mail"),
    "email_link": gettext_lazy("the link sent by e-mail"),
    "account_login": gettext_lazy("logged in to Min konto"),
}
HEADINGS = {
    "kind": gettext_lazy("Request"),
    "method": gettext_lazy("Verified by"),
    "purpose": gettext_lazy("Purpose"),
    "attempt": gettext_lazy("Attempt"),
    "format": gettext_lazy("Format"),
    "ip": gettext_lazy("IP address"),
    "before": gettext_lazy("Before"),
    "after": gettext_lazy("After"),
}
CHANGES = {"given": gettext_lazy("Given"), "withdrawn": gettext_lazy("Withdrawn")}


def actor(event: AuditEvent) -> str:
    if event.actor_label == SUBJECT:
        return _("The data subject")
    if event.actor_label in (SYSTEM, ""):
        return _("The system")
    return event.actor_label


def _shown(key: str, raw: Any) -> str:
    if key == "kind":
        return str(dict(RequestKind.choices).get(raw, raw))
    if key == "method":
        return str(METHODS.get(raw, raw))
    if key == "purpose":
        return str(dict(ConsentPurpose.choices).get(raw, _("All purposes") if raw == "all" else raw))
    if key == "format":
        return str(raw).upper()
    return str(raw)


def details(event: AuditEvent) -> str:
    """ "Verified by: the code sent by e-mail" — the details staff need; ids and counts stay in the trail."""
    params = dict(event.params or {})
    if event.action == AuditAction.STATUS:  # the sentence names both states already
        params.pop("before", None), params.pop("after", None)
    lines = [f"{HEADINGS[k]}: {_shown(k, v)}" for k, v in params.items() if k in HEADINGS and v not in (None, "")]
    if params.get("change") in CHANGES:
        lines.insert(0, str(CHANGES[params["change"]]))
    return "; ".join(lines)


def rows(request: PrivacyRequest) -> list[dict[str, Any]]:
    return [{"event": e, "what": describe(e), "by": actor(e), "details": details(e)} for e in request_trail(request)]
