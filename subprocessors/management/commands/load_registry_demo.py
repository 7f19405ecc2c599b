"""Demo content of the registry and the policy texts. Idempotent: run it as often as you like.

The entities, places, regions and facility standards follow the public sub-processor list the
product starts from; every text is written for this demo. Addresses are given at city level.
"""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from config.clock import frozen_at, today
from subprocessors.models import PolicyKind, PolicyVersion, RegistryVersion, SubProcessor
from subprocessors.services import registry_publish

FIRST_PUBLISHED = date(2019, 10, 28)
FACILITY = "Tier III+/IV, PCI DSS, SSAE-16, ISO 27001"

HOSTING = {
    "en": "Hosts the servers that store and run the service for customers in this region.",
    "da": "Driver de servere, der gemmer og afvikler tjenesten for kunder i denne region.",
    "nb": "Drifter serverne som lagrer og kjører tjenesten for kunder i denne regionen.",
}

ENTRIES: list[dict[str, Any]] = [
    {
        "key": "linode-eu",
        "group": "infrastructure",
        "legal_entity": "Linode, LLC",
        "registered_address": "Philadelphia, PA, USA",
        "processing_location": "Frankfurt, Germany",
        "region": "EU",
        "transfer_mechanism": "dpf",
        "purpose": HOSTING,
    },
    {
        "key": "linode-uk",
        "group": "infrastructure",
        "legal_entity": "Linode, LLC",
        "registered_address": "Philadelphia, PA, USA",
        "processing_location": "London, United Kingdom",
        "region": "UK",
        "transfer_mechanism": "dpf",
        "purpose": HOSTING,
    },
    {
        "key": "linode-us",
        "group": "infrastructure",
        "legal_entity": "Linode, LLC",
        "registered_address": "Philadelphia, PA, USA",
        "processing_location": "Newark, NJ, USA",
        "region": "US",
        "transfer_mechanism": "dpf",
        "purpose": HOSTING,
    },
    {
        "key": "linode-sg",
        "group": "infrastructure",
        "legal_entity": "Linode, LLC",
        "registered_address": "Philadelphia, PA, USA",
        "processing_location": "Singapore",
        "region": "APAC",
        "transfer_mechanism": "scc",
        "purpose": HOSTING,
    },
    {
        "key": "aws-ireland",
        "group": "infrastructure",
        "legal_entity": "Amazon Web Services, LLC",
        "registered_address": "Seattle, WA, USA",
        "processing_location": "Dublin, Ireland",
        "region": "EU",
        "transfer_mechanism": "dpf",
        "purpose": HOSTING,
    },
    {
        "key": "aws-us-west",
        "group": "infrastructure",
        "legal_entity": "Amazon Web Services, LLC",
        "registered_address": "Seattle, WA, USA",
        "processing_location": "Northern California, USA",
        "region": "US",
        "transfer_mechanism": "dpf",
        "purpose": HOSTING,
    },
    {
        "key": "aws-singapore",
        "group": "infrastructure",
        "legal_entity": "Amazon Web Services, LLC",
        "registered_address": "Seattle, WA, USA",
        "processing_location": "Singapore",
        "region": "APAC",
        "transfer_mechanism": "scc",
        "purpose": HOSTING,
    },
    {
        "key": "websupport-eu",
        "group": "infrastructure",
        "legal_entity": "Websupport, s.r.o.",
        "registered_address": "Bratislava, Slovakia",
        "processing_location": "Bratislava, Slovakia",
        "region": "EU",
        "transfer_mechanism": "eea",
        "purpose": HOSTING,
    },
    {
        "key": "quality-unit-llc",
        "group": "service",
        "legal_entity": "Quality Unit, LLC",
        "registered_address": "United States",
        "processing_location": "United States",
        "region": "ALL",
        "transfer_mechanism": "scc",
        "certifications": "",
        "categories": ["account", "contact", "tickets", "usage"],
        "purpose": {
            "en": "Member of our group of companies; develops and operates the service with us.",
            "da": "Del af vores koncern; udvikler og driver tjenesten sammen med os.",
            "nb": "Del av vårt konsern; utvikler og drifter tjenesten sammen med oss.",
        },
    },
    {
        "key": "quality-unit-ukraine",
        "group": "service",
        "legal_entity": "Quality Unit Ukraine",
        "registered_address": "Ukraine",
        "processing_location": "Ukraine",
        "region": "ALL",
        "transfer_mechanism": "scc",
        "certifications": "",
        "categories": ["account", "tickets", "usage"],
        "purpose": {
            "en": "Subcontractor that helps deliver and maintain the service.",
            "da": "Underleverandør, der hjælper med at levere og vedligeholde tjenesten.",
            "nb": "Underleverandør som hjelper til med å levere og vedlikeholde tjenesten.",
        },
    },
    {
        "key": "twilio",
        "group": "service",
        "legal_entity": "Twilio, Inc.",
        "registered_address": "San Francisco, CA, USA",
        "processing_location": "United States",
        "region": "ALL",
        "transfer_mechanism": "dpf",
        "certifications": "ISO 27001",
        "categories": ["contact", "calls"],
        "purpose": {
            "en": "VoIP provider: carries phone calls and stores call recordings.",
            "da": "VoIP-udbyder: formidler telefonopkald og gemmer optagelser af opkald.",
            "nb": "VoIP-leverandør: formidler telefonsamtaler og lagrer opptak av samtaler.",
        },
    },
    # Fictional: the demo's 24/7 support partner.
    {
        "key": "polarnatt-support",
        "group": "support",
        "legal_entity": "Polarnatt Kundestøtte AS",
        "registered_address": "Tromsø, Norway",
        "processing_location": "Tromsø, Norway",
        "region": "ALL",
        "transfer_mechanism": "eea",
        "certifications": "ISO 27001",
        "categories": ["account", "contact", "tickets"],
        "purpose": {
            "en": "Answers support requests at night and at weekends; sees account data only with the account's prior consent.",
            "da": "Besvarer supporthenvendelser om natten og i weekenden; ser kun kontodata med kontoens forudgående samtykke.",
            "nb": "Besvarer kundestøttehenvendelser om natten og i helgene; ser kontodata bare med kontoens forhåndssamtykke.",
        },
    },
]

# Fictional: a new sub-processor announced ahead of its start, so the notice and objection flow shows.
ANNOUNCED = {
    "key": "sonaris-speech",
    "group": "service",
    "legal_entity": "Sonaris Speech s.r.o. (demo)",
    "registered_address": "Košice, Slovakia",
    "processing_location": "Košice, Slovakia",
    "region": "EU",
    "transfer_mechanism": "eea",
    "certifications": "ISO 27001",
    "categories": ["calls"],
    "purpose": {
        "en": "Transcribes recorded phone calls into ticket text.",
        "da": "Omsætter optagede telefonopkald til tekst i sagen.",
        "nb": "Gjør opptak av telefonsamtaler om til tekst i saken.",
    },
}

TERMS = [
    {
        "effective": date(2019, 10, 28),
        "title": {"en": "Terms of service", "da": "Servicevilkår", "nb": "Tjenestevilkår"},
        "body": {
            "en": "## 1. The service\nWe provide a helpdesk service per agent, billed in advance.\n\n## 2. Your account\nOne login is one person. The Owner manages billing and may close the account.\n\n## 3. Changes\nWe may change these terms. A change takes effect when it is posted here; continued use means acceptance.",
            "da": "## 1. Tjenesten\nVi leverer en helpdesk-tjeneste pr. agent, der faktureres forud.\n\n## 2. Din konto\nÉt login er én person. Ejeren administrerer betalingen og kan lukke kontoen.\n\n## 3. Ændringer\nVi kan ændre disse vilkår. En ændring gælder fra den offentliggøres her; fortsat brug betyder, at du accepterer den.",
            "nb": "## 1. Tjenesten\nVi leverer en helpdesk-tjeneste per agent, fakturert forskuddsvis.\n\n## 2. Kontoen din\nÉn pålogging er én person. Eieren administrerer betalingen og kan avslutte kontoen.\n\n## 3. Endringer\nVi kan endre disse vilkårene. En endring gjelder fra den publiseres her; fortsatt bruk betyr at du godtar den.",
        },
    },
    {
        "effective": date(2026, 11, 1),
        "title": {"en": "Terms of service", "da": "Servicevilkår", "nb": "Tjenestevilkår"},
        "body": {
            "en": '## 1. The service\nWe provide a helpdesk service per agent, billed in advance monthly or annually.\n\n## 2. Your account\nOne login is one person. The Owner manages billing and may close the account with "Stop konto".\n\n## 3. Your data\nYour data stays in the data region of your account. Our sub-processors are listed publicly, and we announce new ones 30 days ahead.\n\n## 4. Changes\nWe may change these terms. A change takes effect when it is posted here; continued use means acceptance.',
            "da": '## 1. Tjenesten\nVi leverer en helpdesk-tjeneste pr. agent, der faktureres forud pr. måned eller år.\n\n## 2. Din konto\nÉt login er én person. Ejeren administrerer betalingen og kan lukke kontoen med "Stop konto".\n\n## 3. Dine data\nDine data bliver i din kontos dataregion. Vores underdatabehandlere står på en offentlig liste, og nye varsles 30 dage i forvejen.\n\n## 4. Ændringer\nVi kan ændre disse vilkår. En ændring gælder fra den offentliggøres her; fortsat brug betyder, at du accepterer den.',
            "nb": '## 1. Tjenesten\nVi leverer en helpdesk-tjeneste per agent, fakturert forskuddsvis per måned eller år.\n\n## 2. Kontoen din\nÉn pålogging er én person. Eieren administrerer betalingen og kan avslutte kontoen med "Stop konto".\n\n## 3. Dataene dine\nDataene dine blir i kontoens dataregion. Underdatabehandlerne våre står på en offentlig liste, og nye varsles 30 dager i forveien.\n\n## 4. Endringer\nVi kan endre disse vilkårene. En endring gjelder fra den publiseres her; fortsatt bruk betyr at du godtar den.',
        },
    },
]

DATA_PROCESSING = {
    "effective": date(2019, 10, 28),
    "title": {"en": "Data processing", "da": "Databehandling", "nb": "Databehandling"},
    "body": {
        "en": "We process personal data to provide customer support and, with consent, for marketing. Read the full page for the categories, purposes and your rights.",
        "da": "Vi behandler personoplysninger for at yde kundeservice og, med samtykke, til markedsføring. Læs hele siden for kategorier, formål og dine rettigheder.",
        "nb": "Vi behandler personopplysninger for å yte kundeservice og, med samtykke, til markedsføring. Les hele siden for kategorier, formål og rettighetene dine.",
    },
}


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _entry_defaults(spec: dict[str, Any], start: date, position: int) -> dict[str, Any]:
    return {
        "group": spec["group"],
        "legal_entity": spec["legal_entity"],
        "registered_address": spec["registered_address"],
        "purpose_en": spec["purpose"]["en"],
        "purpose_da": spec["purpose"]["da"],
        "purpose_nb": spec["purpose"]["nb"],
        "processing_location": spec["processing_location"],
        "region": spec["region"],
        "data_categories": spec.get("categories", ["account", "contact", "tickets", "calls", "usage"]),
        "certifications": spec.get("certifications", FACILITY),
        "transfer_mechanism": spec["transfer_mechanism"],
        "start_date": start,
        "position": position,
    }


class Command(BaseCommand):
    help = "Load the demo sub-processor registry and policy texts (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not RegistryVersion.objects.exists():
            for position, spec in enumerate(ENTRIES):
                SubProcessor.objects.update_or_create(
                    key=spec["key"], defaults=_entry_defaults(spec, date(2018, 5, 25), position)
                )
            with frozen_at(_aware(FIRST_PUBLISHED)):
                registry_publish(actor="demo data", note="First published list.")
        if not SubProcessor.objects.filter(key=ANNOUNCED["key"]).exists():
            SubProcessor.objects.create(
                key=ANNOUNCED["key"], **_entry_defaults(ANNOUNCED, today() + timedelta(days=45), len(ENTRIES))
            )
            registry_publish(actor="demo data", note="Call transcription announced.")
        for kind, texts in ((PolicyKind.TERMS, TERMS), (PolicyKind.DATA_PROCESSING, [DATA_PROCESSING])):
            for number, text in enumerate(texts, start=1):
                if PolicyVersion.objects.filter(kind=kind, number=number).exists():
                    continue
                PolicyVersion.objects.create(
                    kind=kind,
                    number=number,
                    effective_date=text["effective"],
                    published_at=_aware(text["effective"]),
                    **{f"title_{lang}": text["title"][lang] for lang in ("en", "da", "nb")},
                    **{f"body_{lang}": text["body"][lang] for lang in ("en", "da", "nb")},
                )
        self.stdout.write(
            f"Registry: version {RegistryVersion.objects.order_by('-number').first().number}, "
            f"{SubProcessor.objects.count()} entries; policy texts: {PolicyVersion.objects.count()}."
        )
