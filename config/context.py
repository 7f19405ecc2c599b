from typing import Any

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    tenant = getattr(request, "tenant", None)
    return {
        "portal_account": tenant if getattr(tenant, "is_customer", False) else None,
        "portal_languages": settings.LANGUAGES,
    }
