"""GDPR-1: the public data-processing page, built from the processing records, in da and nb."""

import pytest

from privacy.demo import processing_records_ensure
from privacy.records import ProcessingRecord

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "da",
            [
                "Sådan behandler vi personoplysninger",
                "Ret til indsigt",
                "Ret til berigtigelse",
                "Ret til sletning",
                "Ret til begrænsning af behandling",
                "Ret til dataportabilitet",
                "Ret til indsigelse",
                "Kundeforhold og support",
                "Samtykke (art. 6, stk. 1, litra a)",
                "Telefonopkald og optagelser",
                "Dataansvarlig",
            ],
        ),
        (
            "nb",
            [
                "Slik behandler vi personopplysninger",
                "Rett til innsyn",
                "Rett til retting",
                "Rett til sletting",
                "Rett til begrensning av behandling",
                "Rett til dataportabilitet",
                "Rett til å protestere",
                "Kundeforhold og kundestøtte",
                "Behandlingsgrunnlag",
                "Telefonsamtaler og opptak",
                "Behandlingsansvarlig",
            ],
        ),
    ],
)
def test_gdpr1_data_processing_page_in_both_languages(public_client, language, expected):
    processing_records_ensure()
    response = public_client.get("/data-processing/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    for text in expected:
        assert text in html, text
    # the supervisory authority, the registry link, the ways to withdraw consent
    assert (
        "Úrad na ochranu osobných údajov Slovenskej republiky" in html and "Hraničná 12, 820 07 Bratislava 27" in html
    )
    assert 'href="/subprocessors/"' in html
    assert 'href="/privacy/request/written/"' in html


def test_gdpr1_unpublished_records_stay_off_the_page(public_client):
    processing_records_ensure()
    ProcessingRecord.objects.filter(title_da="Fakturering").update(published=False)
    html = public_client.get("/data-processing/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Fakturering" not in html and "Nyhedsbrev og tilbud" in html
