"""Demo processing records (the Art. 30 register), written fresh for the demo. Idempotent:
`processing_records_ensure()` can run on every `make run`."""

from privacy.records import DataCategory, DataSource, DataSubjectGroup, LegalBasis, ProcessingRecord

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
        "recipients": "Nordlig Hosting a.s.\nTelefoni Eksempel s.r.o.",
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
        "recipients": "Betalingsformidler Eksempel Ltd.",
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
        "recipients": "Nordlig Hosting a.s.",
        "retention_years": 5,
        "retention_da": "Indtil samtykket trækkes tilbage, højst 5 år",
        "retention_nb": "Til samtykket trekkes tilbake, høyst 5 år",
        "profiling": True,
    },
]


def processing_records_ensure() -> int:
    created = 0
    for record in DEMO_RECORDS:
        _obj, was_created = ProcessingRecord.objects.update_or_create(title_da=record["title_da"], defaults=record)
        created += was_created
    return created
