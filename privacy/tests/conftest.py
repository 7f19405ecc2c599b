import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from config.clock import now, today
from privacy import registry
from privacy.links import verify_token
from privacy.models import PrivacyRequest, RequestKind
from privacy.registry import Scope, Source
from privacy.services.intake import request_file
from privacy.services.verification import verify_by_link
from subprocessors.models import DpaRequest, DpaStatus, Notice, Objection, RegistryVersion, ServedRegion
from subprocessors.services import dpa_request, objection_raise

LINK = re.compile(r"https?://\S+/privacy/verify/(\S+?)/\s")
CODE = re.compile(r"\b(\d{6})\b")


def token_from(mail) -> str:  # type: ignore[no-untyped-def]
    return LINK.search(mail.body + "\n").group(1)


def code_from(mail) -> str:  # type: ignore[no-untyped-def]
    return CODE.search(mail.body).group(1)


@pytest.fixture
def file_request(accounts_ready, django_capture_on_commit_callbacks) -> Callable[..., PrivacyRequest]:  # type: ignore[no-untyped-def]
    """File a public request (unverified) for an address."""

    def make(email: str = "kari.nordmann@example.org", kind: str = RequestKind.ACCESS, **extra) -> PrivacyRequest:  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return request_file(
                kind=kind, email=email, full_name=extra.pop("full_name", "Kari Nordmann"), language="nb", **extra
            )

    return make


@pytest.fixture
def verified_request(file_request, django_capture_on_commit_callbacks) -> Callable[..., PrivacyRequest]:  # type: ignore[no-untyped-def]
    def make(email: str = "kari.nordmann@example.org", kind: str = RequestKind.ACCESS, **extra) -> PrivacyRequest:  # type: ignore[no-untyped-def]
        request = file_request(email, kind, **extra)
        token = verify_token(request)
        with django_capture_on_commit_callbacks(execute=True):
            return verify_by_link(token=token)

    return make


INVOICE_REASON = "Invoices are kept for 10 years (Slovak accounting law)."


@pytest.fixture
def invoice_source() -> Iterator[dict[str, list[dict]]]:
    """Stands for billing's invoices until the billing app registers its own source: kept by law."""
    store: dict[str, list[dict]] = {}
    registry.register(
        Source(
            key="test.invoice",
            label="Invoices",
            scope=Scope.PUBLIC,
            collect=lambda email: list(store.get(email, [])),
            kept_reason=INVOICE_REASON,
            fields={"number": "invoice number"},
        )
    )
    yield store
    registry.unregister("test.invoice")


@pytest.fixture
def staff_cases(account_a) -> Callable[[], tuple[Objection, DpaRequest]]:  # type: ignore[no-untyped-def]
    """An Owner's open objection to a coming sub-processor and an open DPA request (SUB-3, SUB-4):
    the staff cases whose moves GDPR-8 wants in the audit trail too."""

    def make() -> tuple[Objection, DpaRequest]:
        version = RegistryVersion.objects.create(
            number=RegistryVersion.objects.count() + 9000, published_at=now(), published_by="staff@kontoportal.test"
        )
        notice = Notice.objects.create(
            version=version,
            key=f"newco-{version.number}",
            legal_entity="Newco ApS",
            region=ServedRegion.ALL,
            start_date=today() + timedelta(days=30),
            created_at=now(),
        )
        objection = objection_raise(account=account_a, notice_id=notice.pk, actor="owner@alfa.dk", reason="Nej tak.")
        dpa = DpaRequest.objects.filter(account=account_a, status=DpaStatus.REQUESTED).first()
        return objection, dpa or dpa_request(account=account_a, actor="owner@alfa.dk")

    return make
