"""GDPR-8: a privacy request's history on its admin page comes from the one audit trail and reads
as translated steps (da and nb), never as codes or raw details."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from privacy.models import RequestStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "received", "changed"),
    [("da", "Modtaget", "Status ændret fra"), ("nb", "Mottatt", "Status endret fra")],
)
def test_gdpr8_request_history_in_the_admin_reads_translated(verified_request, staff_user, language, received, changed):
    request = verified_request()
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(staff_user)
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = admin.get(f"/admin/privacy/privacyrequest/{request.pk}/change/").content.decode()
    with translation.override(language):
        unverified, open_ = str(RequestStatus.UNVERIFIED.label), str(RequestStatus.OPEN.label)
    assert received in page and f"{changed} {unverified} til {open_}" in page
    assert "verification_sent" not in page and "{&#x27;" not in page and "{'" not in page
