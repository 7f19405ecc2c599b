"""GDPR-8: on a privacy request's admin page every audit row reads as words in the staff's
language: who took the step ("Den registrerede" / "Den registrerte", "Systemet"), and its details
as labelled values (how the person was verified) — never "data subject", "email_link" or a dict."""

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject", "verified"),
    [
        ("da", "Den registrerede", "Bekræftet med: linket sendt pr. e-mail"),
        ("nb", "Den registrerte", "Bekreftet med: lenken sendt på e-post"),
    ],
)
def test_gdpr8_request_audit_rows_name_who_and_how_in_words(verified_request, staff_user, language, subject, verified):
    request = verified_request()
    admin = Client(HTTP_HOST="localhost")
    admin.force_login(staff_user)
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = admin.get(f"/admin/privacy/privacyrequest/{request.pk}/change/").content.decode()
    trail = page[page.index('id="privacy-audit"') :]
    trail = trail[: trail.index("</fieldset>")]
    assert subject in trail and "Systemet" in trail and verified in trail, trail
    assert "data subject" not in trail and "email_link" not in trail and ">system<" not in trail, trail
    assert "{&#x27;" not in trail and "{'" not in trail
