"""Reads of the privacy desk: the queue, deadlines, metrics and the processing register."""

from dataclasses import dataclass
from datetime import timedelta
from statistics import median
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from billing.models import SellerProfile
from config.clock import now, seller_date, today
from privacy.models import PrivacyRequest, RequestKind, RequestStatus
from privacy.records import DataCategory, DataSource, DataSubjectGroup, LegalBasis, ProcessingRecord
from subprocessors.selectors import registry_current

# GDPR-1: the supervisory authority of the controller's main establishment.
SUPERVISORY_AUTHORITY = {
    "name": "Úrad na ochranu osobných údajov Slovenskej republiky",
    "address": "Hraničná 12, 820 07 Bratislava 27",
    "url": "https://dataprotection.gov.sk",
}
CONTROLLER = getattr(
    settings,
    "PRIVACY_CONTROLLER",
    {
        "name": "Kontoportal s.r.o.",
        "address": "Mlynské nivy 5, 821 09 Bratislava",
        "email": "privacy@kontoportal.localhost",
    },
)
NEAR_DEADLINE_DAYS = 7


def controller() -> dict[str, str]:
    """The controller is the seller: the staff-edited seller profile (the one on invoices) when
    there is one, so the data-processing page and the invoices never name two companies."""
    seller = SellerProfile.objects.filter(valid_from__lte=now()).order_by("-valid_from", "-id").first()
    if seller is None:
        return CONTROLLER
    return {
        "name": seller.legal_name,
        "address": f"{seller.street}, {seller.postcode} {seller.city}",
        "email": CONTROLLER["email"],
    }


# The rights, in the order of the GDPR articles, with the article that grants each.
RIGHTS = [
    (RequestKind.ACCESS, "15"),
    (RequestKind.RECTIFICATION, "16"),
    (RequestKind.ERASURE, "17"),
    (RequestKind.RESTRICTION, "18"),
    (RequestKind.PORTABILITY, "20"),
    (RequestKind.OBJECTION, "21"),
    (RequestKind.CONSENT_WITHDRAWAL, "7(3)"),
]


def requests_for_queue() -> QuerySet[PrivacyRequest]:
    """The staff queue: verified and not closed. Unverified requests are not work yet."""
    return PrivacyRequest.objects.filter(status__in=[RequestStatus.OPEN, RequestStatus.HANDED_OVER])


def days_left(request: PrivacyRequest) -> int:
    return (request.due_on - today()).days


def deadline_band(request: PrivacyRequest) -> str:
    """Colour band of the queue: overdue, near (a week or less), ok."""
    if request.is_closed:
        return "closed"
    left = days_left(request)
    if left < 0:
        return "overdue"
    return "near" if left <= NEAR_DEADLINE_DAYS else "ok"


def requests_near_deadline() -> QuerySet[PrivacyRequest]:
    return requests_for_queue().filter(due_on__lte=today() + timedelta(days=NEAR_DEADLINE_DAYS))


@dataclass(frozen=True)
class Metrics:
    by_kind: list[tuple[str, int]]
    median_days_to_close: float | None
    closed_in_time_share: float | None
    overdue: int
    open: int


def metrics() -> Metrics:
    counts = dict(
        PrivacyRequest.objects.exclude(status=RequestStatus.UNVERIFIED)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    by_kind = [(str(label), counts.get(value, 0)) for value, label in RequestKind.choices]
    closed = list(
        PrivacyRequest.objects.filter(status__in=[RequestStatus.COMPLETED, RequestStatus.REFUSED]).values_list(
            "received_at", "closed_at", "due_on"
        )
    )
    durations = [(c - r).total_seconds() / 86400 for r, c, _due in closed]
    in_time = [seller_date(c) <= due for _r, c, due in closed]
    queue = requests_for_queue()
    return Metrics(
        by_kind=by_kind,
        median_days_to_close=round(median(durations), 1) if durations else None,
        closed_in_time_share=round(sum(in_time) / len(in_time), 3) if in_time else None,
        overdue=queue.filter(due_on__lt=today()).count(),
        open=queue.count(),
    )


def processing_records() -> list[ProcessingRecord]:
    return list(ProcessingRecord.objects.filter(published=True))


def _labels(values: list[str], choices: Any) -> list[str]:
    names = dict(choices.choices)
    return [str(names[v]) for v in values if v in names]


def registry_entities() -> dict[str, str]:
    """Legal entity by key, as the public sub-processor registry publishes it."""
    version = registry_current()
    return {entry["key"]: entry["legal_entity"] for entry in (version.entries if version else [])}


def recipient_names(record: ProcessingRecord, entities: dict[str, str]) -> list[str]:
    """A record's recipients: the registry entries it names (one line per company, however many
    regions it serves), then recipients outside the registry."""
    names = [entities[key] for key in record.registry_keys if key in entities]
    return list(dict.fromkeys([*names, *record.recipient_list]))


def register_summary(language: str) -> dict[str, Any]:
    """What GDPR-1 and Art. 15(1)(a)-(h) need, built from the processing records: the same
    facts on the public page and in every export's cover letter."""
    records = processing_records()
    entities = registry_entities()
    categories: list[str] = []
    sources: list[str] = []
    recipients: list[str] = []
    for record in records:
        for label in _labels(record.categories, DataCategory):
            if label not in categories:
                categories.append(label)
        for label in _labels(record.sources, DataSource):
            if label not in sources:
                sources.append(label)
        for name in recipient_names(record, entities):
            if name not in recipients:
                recipients.append(name)
    return {
        "controller": controller(),
        "authority": SUPERVISORY_AUTHORITY,
        "records": [
            {
                "title": r.text("title", language),
                "purpose": r.text("purpose", language),
                "legal_basis": r.get_legal_basis_display(),
                "categories": _labels(r.categories, DataCategory),
                "subjects": _labels(r.subjects, DataSubjectGroup),
                "sources": _labels(r.sources, DataSource),
                "recipients": recipient_names(r, entities),
                "retention": r.text("retention", language),
                "profiling": r.profiling,
            }
            for r in records
        ],
        "categories": categories,
        "sources": sources,
        "recipients": recipients,
        "profiling": any(r.profiling for r in records),
        "rights": [(RequestKind(kind).label, article) for kind, article in RIGHTS],
    }


LEGAL_BASES = LegalBasis
COMPLAINT_TEXT = _("You have the right to lodge a complaint with a supervisory authority.")
