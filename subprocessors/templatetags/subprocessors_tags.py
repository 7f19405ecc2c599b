"""Template helpers of the registry, and the Min konto terms notice (ACC-14)."""

from datetime import date
from typing import Any

from django import template
from django.utils import translation
from django.utils.formats import date_format

from core.links import public_url
from subprocessors.models import DataCategory, Group, ServedRegion, TransferMechanism
from subprocessors.selectors import terms_unseen_for

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, key)


@register.filter
def diff_value(value: Any, field: str = "") -> str:
    """A field's value in a version diff, as the reader sees it on the page: codes as their labels,
    lists joined, per-language texts in the reader's language."""
    labels = {
        "data_categories": dict(DataCategory.choices),
        "group": dict(Group.choices),
        "region": dict(ServedRegion.choices),
        "transfer_mechanism": dict(TransferMechanism.choices),
    }.get(field, {})
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(str(labels.get(item, item)) for item in value)
    if isinstance(value, dict):
        return str(value.get(translation.get_language()) or value.get("en", ""))
    if field == "start_date":
        return isodate(value)
    return str(labels.get(value, value))


@register.filter
def isodate(value: str) -> str:
    """An ISO date from a frozen entry, shown in the reader's date format."""
    try:
        return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return value


@register.inclusion_tag("subprocessors/minkonto/_terms_notice_box.html", takes_context=True)
def terms_notice(context: template.Context) -> dict[str, Any]:
    """The newer terms version this account has not yet marked as seen, if any."""
    request = context.get("request")
    account = getattr(request, "tenant", None)
    if account is None or not getattr(account, "is_customer", False):
        return {"policy": None}
    policy = terms_unseen_for(account)
    return {
        "policy": policy,
        "policy_url": public_url(f"/policies/terms/{policy.number}/") if policy else "",
        "csrf_token": context.get("csrf_token"),
    }
