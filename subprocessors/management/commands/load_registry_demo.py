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

TERMS_2_EN = """## 1. The service
We provide a helpdesk service that you pay for per agent. The subscription is paid in advance, for a month or a year at a time.

## 2. Your account
Each login belongs to one person and may not be shared. The account's Owner is responsible for payment and can close the account with the "Stop konto" button in Min konto. Closing takes effect at once: you are not charged again, access ends, and the account's data are deleted and cannot be restored.

## 3. Right of withdrawal for consumers
If you buy as a consumer, that is for yourself and not for a business, you may withdraw within 14 days of the day you order a paid subscription, without giving a reason. A clear message to us before the deadline is enough, for example an e-mail to the address under "Who provides the service" at the bottom of this page. If you asked us to start the service within those 14 days, you pay for the days you had it; we refund the rest no later than 14 days after we receive your message, using the means of payment you used.

## 4. Your data
Your data are stored in the data region of your account. The companies that process data for us are on a public list, and we announce a new one at least 30 days before it starts.

## 5. When we change these terms
A new version is posted here with the date it takes effect, and it applies to new customers from that day. If you are already a customer, the account's Owner is told by e-mail and in Min konto at least 30 days before the change applies to you. If you do not want to continue on the new terms, you can close the account with "Stop konto" before then and pay nothing more. If you keep using the service after that date, the new terms apply."""

TERMS_2_DA = """## 1. Tjenesten
Vi leverer en helpdesk-tjeneste, som du betaler for pr. agent. Abonnementet betales forud for en måned eller et år ad gangen.

## 2. Din konto
Hvert login tilhører én person og må ikke deles. Kontoens ejer står for betalingen og kan lukke kontoen med knappen »Stop konto« under Min konto. Lukningen gælder med det samme: du bliver ikke opkrævet igen, adgangen ophører, og kontoens data slettes og kan ikke genskabes.

## 3. Fortrydelsesret for forbrugere
Køber du som forbruger, altså til dig selv og ikke til en virksomhed, har du 14 dages fortrydelsesret fra den dag, du bestiller et betalt abonnement. Du behøver ikke at give en begrundelse. Det er nok at give os en klar besked inden fristen, fx en e-mail til adressen under »Hvem leverer tjenesten« nederst på siden. Har du bedt os om at starte tjenesten inden for de 14 dage, betaler du for de dage, du har haft den; resten får du tilbage senest 14 dage efter, at vi har modtaget din besked, med det betalingsmiddel, du brugte.

## 4. Dine data
Dine data opbevares i din kontos dataregion. De virksomheder, der behandler data for os, står på en offentlig liste, og vi varsler en ny mindst 30 dage, før den tages i brug.

## 5. Når vi ændrer vilkårene
En ny udgave offentliggøres her med den dato, hvor den træder i kraft, og gælder for nye kunder fra den dag. Er du allerede kunde, får kontoens ejer besked pr. e-mail og i Min konto mindst 30 dage, før ændringen gælder for dig. Vil du ikke fortsætte på de nye vilkår, kan du lukke kontoen med »Stop konto« inden da og betaler så ikke mere. Bruger du tjenesten efter den dato, gælder de nye vilkår."""

TERMS_2_NB = """## 1. Tjenesten
Vi leverer en helpdesk-tjeneste som du betaler for per agent. Abonnementet betales forskuddsvis for en måned eller et år om gangen.

## 2. Kontoen din
Hver pålogging tilhører én person og skal ikke deles. Kontoens eier har ansvaret for betalingen og kan avslutte kontoen med knappen «Stopp konto» under Min konto. Avslutningen gjelder straks: du blir ikke belastet igjen, tilgangen opphører, og kontoens data slettes og kan ikke gjenopprettes.

## 3. Angrerett for forbrukere
Kjøper du som forbruker, altså til deg selv og ikke til en virksomhet, har du 14 dagers angrerett fra dagen du bestiller et betalt abonnement. Du trenger ikke å oppgi noen grunn. Det holder å gi oss en tydelig melding innen fristen, for eksempel en e-post til adressen under «Hvem leverer tjenesten» nederst på siden. Har du bedt oss starte tjenesten innen de 14 dagene, betaler du for dagene du har hatt den; resten får du tilbake senest 14 dager etter at vi har mottatt meldingen din, med det betalingsmiddelet du brukte.

## 4. Dataene dine
Dataene dine lagres i kontoens dataregion. Virksomhetene som behandler data for oss, står på en offentlig liste, og vi varsler en ny minst 30 dager før den tas i bruk.

## 5. Når vi endrer vilkårene
En ny versjon publiseres her med datoen den trer i kraft, og gjelder for nye kunder fra den dagen. Er du allerede kunde, får kontoens eier beskjed på e-post og i Min konto minst 30 dager før endringen gjelder for deg. Vil du ikke fortsette på de nye vilkårene, kan du avslutte kontoen med «Stopp konto» før den tid og betaler da ikke mer. Bruker du tjenesten etter den datoen, gjelder de nye vilkårene."""


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
        # The version in effect: it tells consumers of their right of withdrawal and tells
        # existing customers how they hear of a change before it applies to them.
        "effective": date(2026, 11, 1),
        "title": {"en": "Terms of service", "da": "Servicevilkår", "nb": "Tjenestevilkår"},
        "body": {"en": TERMS_2_EN, "da": TERMS_2_DA, "nb": TERMS_2_NB},
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
