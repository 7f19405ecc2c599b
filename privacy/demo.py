"""Demo processing records (the Art. 30 register), written fresh for the demo. Idempotent:
`processing_records_ensure()` can run on every `make run`.

Recipients are the demo registry's entries (subprocessors/management/commands/load_registry_demo.py),
named by key: the register, the Art. 15 letter and the public registry name the same companies."""

from privacy.records import DataCategory, DataSource, DataSubjectGroup, LegalBasis, ProcessingRecord

# Hosting in every data region: the letter keeps those of the regions the person's data is in.
HOSTING = [
    "linode-eu",
    "aws-ireland",
    "websupport-eu",
    "linode-uk",
    "linode-us",
    "aws-us-west",
    "linode-sg",
    "aws-singapore",
]

DEMO_RECORDS = [
    {
        "position": 1,
        "title_da": "Kundeforhold og support",
        "title_nb": "Kundeforhold og kundestøtte",
        "purpose_da": "Vi opretter og driver din konto, besvarer dine henvendelser og hjælper dig med produktet.",
        "purpose_nb": "Vi oppretter og driver kontoen din, svarer på henvendelsene dine og hjelper deg med produktet.",
        "legal_basis": LegalBasis.CONTRACT,
        "categories": [
            DataCategory.NAME,
            DataCategory.EMAIL,
            DataCategory.PHONE,
            DataCategory.ADDRESS,
            DataCategory.SUPPORT,
            DataCategory.CALLS,
            DataCategory.CONTACT,
            DataCategory.IP,
            DataCategory.BROWSER,
        ],
        "subjects": [DataSubjectGroup.CUSTOMERS],
        "sources": [DataSource.SUBJECT, DataSource.CUSTOMER, DataSource.SERVICE],
        "registry_keys": [*HOSTING, "quality-unit-llc", "quality-unit-ukraine", "twilio", "polarnatt-support"],
        "recipients": "",
        "source_keys": ["accounts", "subprocessors", "core.audit_trail"],
        "retention_years": 5,
        "retention_da": "Så længe kontoen bruges og derefter 5 år",
        "retention_nb": "Så lenge kontoen brukes og deretter 5 år",
        "profiling": False,
    },
    {
        "position": 2,
        "title_da": "Fakturering",
        "title_nb": "Fakturering",
        "purpose_da": "Vi udsteder fakturaer og kreditnotaer og opkræver betaling.",
        "purpose_nb": "Vi utsteder fakturaer og kreditnotaer og krever inn betaling.",
        "legal_basis": LegalBasis.LEGAL_OBLIGATION,
        "categories": [DataCategory.NAME, DataCategory.ADDRESS, DataCategory.EMAIL, DataCategory.PURCHASES],
        "subjects": [DataSubjectGroup.CUSTOMERS],
        "sources": [DataSource.SUBJECT],
        "registry_keys": [*HOSTING, "quality-unit-llc"],
        "recipients": "",
        "source_keys": ["billing"],
        "retention_years": 10,
        "retention_da": "Fakturaer opbevares i 10 år efter slovakisk bogføringslov",
        "retention_nb": "Fakturaer oppbevares i 10 år etter slovakisk regnskapslov",
        "profiling": False,
    },
    {
        "position": 3,
        "title_da": "Nyhedsbrev og tilbud",
        "title_nb": "Nyhetsbrev og tilbud",
        "purpose_da": "Med dit samtykke sender vi nyheder og tilbud, tilpasset den måde du bruger produktet på.",
        "purpose_nb": "Med ditt samtykke sender vi nyheter og tilbud, tilpasset måten du bruker produktet på.",
        "legal_basis": LegalBasis.CONSENT,
        "categories": [DataCategory.NAME, DataCategory.EMAIL, DataCategory.USAGE, DataCategory.GEO],
        "subjects": [DataSubjectGroup.CUSTOMERS, DataSubjectGroup.PROSPECTS],
        "sources": [DataSource.SUBJECT, DataSource.SERVICE],
        "registry_keys": [*HOSTING, "quality-unit-llc"],
        "recipients": "",
        "source_keys": ["privacy.consent", "subprocessors.subscriber"],
        "retention_years": 5,
        "retention_da": "Indtil samtykket trækkes tilbage, højst 5 år",
        "retention_nb": "Til samtykket trekkes tilbake, høyst 5 år",
        "profiling": True,
    },
    {
        "position": 4,
        "title_da": "Dine henvendelser om databeskyttelse",
        "title_nb": "Henvendelsene dine om personvern",
        "purpose_da": "Vi behandler dine anmodninger efter databeskyttelsesforordningen og kan dokumentere, hvordan vi har besvaret dem.",
        "purpose_nb": "Vi behandler forespørslene dine etter personvernforordningen og kan dokumentere hvordan vi har besvart dem.",
        "legal_basis": LegalBasis.LEGAL_OBLIGATION,
        "categories": [DataCategory.NAME, DataCategory.EMAIL, DataCategory.CONTACT, DataCategory.IP],
        "subjects": [DataSubjectGroup.CUSTOMERS, DataSubjectGroup.PROSPECTS],
        "sources": [DataSource.SUBJECT],
        "registry_keys": [*HOSTING, "quality-unit-llc"],
        "recipients": "",
        "source_keys": ["privacy"],
        "retention_years": 5,
        "retention_da": "5 år efter at sagen er afsluttet",
        "retention_nb": "5 år etter at saken er avsluttet",
        "profiling": False,
    },
]


def processing_records_ensure() -> int:
    created = 0
    for record in DEMO_RECORDS:
        _obj, was_created = ProcessingRecord.objects.update_or_create(title_da=record["title_da"], defaults=record)
        created += was_created
    return created
