"""Shared helpers of the registry tests."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from config.clock import today
from conftest import PASSWORD
from subprocessors.models import SubProcessor
from subprocessors.services import page_cache_clear


@pytest.fixture(autouse=True)
def _fresh_page_cache() -> Iterator[None]:
    """The page cache lives in Redis and survives the per-test rollback: start and end empty."""
    page_cache_clear()
    yield
    page_cache_clear()


def entry_make(
    key: str, *, region: str = "EU", group: str = "infrastructure", start: date | None = None, **extra: Any
) -> SubProcessor:
    return SubProcessor.objects.create(
        key=key,
        group=group,
        legal_entity=extra.pop("legal_entity", f"{key.title()} Hosting ApS"),
        registered_address="Aarhus, Denmark",
        purpose_en="Hosts servers.",
        purpose_da="Driver servere.",
        purpose_nb="Drifter servere.",
        processing_location=extra.pop("processing_location", "Aarhus, Denmark"),
        region=region,
        data_categories=["account", "tickets"],
        certifications="ISO 27001, PCI DSS",
        transfer_mechanism="eea",
        start_date=start or date(2019, 1, 1),
        **extra,
    )


def later(days: int) -> date:
    return today() + timedelta(days=days)


def login(client: Client, email: str) -> Client:
    response = client.post("/min-konto/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client
