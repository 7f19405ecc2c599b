"""GDPR-10 in the browser, in da and nb: staff register a request received by phone, are told
a future date is refused, then register it with the letter attached and see its case reference
(screenshots test-artifacts/screenshots/privacy-intake-*)."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfWriter

from accounts.models import MailLog
from config.clock import today
from conftest import PASSWORD
from privacy.models import Channel, PrivacyRequest, RequestStatus
from tests.browser import ARTIFACTS, chromium, host_url, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASES = [
    {
        "locale": "da-DK",
        "language": "da",
        "link": "Registrér en anmodning modtaget via e-mail, telefon eller brev",
        "submit": "Registrér anmodningen",
        "future": "Modtagelsesdatoen kan ikke ligge i fremtiden.",
        "done": "er registreret",
        "email": "jens.telefon@example.org",
    },
    {
        "locale": "nb-NO",
        "language": "nb",
        "link": "Registrer en forespørsel mottatt via e-post, telefon eller brev",
        "submit": "Registrer forespørselen",
        "future": "Mottaksdatoen kan ikke være frem i tid.",
        "done": "er registrert",
        "email": "kari.telefon@example.org",
    },
]


@pytest.mark.parametrize("case", CASES, ids=[c["language"] for c in CASES])
def test_gdpr10_staff_register_a_phone_request_in_the_desk(live_server, accounts_ready, staff_user, case):
    lang = case["language"]
    letter = ARTIFACTS.parent / f"intake-letter-{lang}.pdf"
    letter.parent.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    letter.write_bytes(buffer.getvalue())
    with chromium() as browser:
        page = browser.new_page(locale=case["locale"], viewport={"width": 1200, "height": 1000})
        page.goto(host_url(live_server.url, "localhost", "/admin/login/?next=/admin/privacy/privacyrequest/"))
        page.fill("#id_username", staff_user.email)
        page.fill("#id_password", PASSWORD)
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/admin/privacy/privacyrequest/")
        page.get_by_role("link", name=case["link"]).click()
        page.wait_for_url("**/admin/privacy/privacyrequest/register/")

        # a date in the future is refused with a message, nothing is created
        page.select_option("#id_kind", "access")
        page.check(f"input[name=channel][value={Channel.PHONE}]")
        page.fill("#id_received_on", (today() + timedelta(days=2)).isoformat())
        page.fill("#id_full_name", "Kari Nordmann")
        page.fill("#id_email", case["email"])
        page.select_option("#id_language", lang)
        page.fill("#id_details", "Innsyn, ringte inn.")
        page.set_input_files("#id_attachments", str(letter))
        page.get_by_role("button", name=case["submit"]).click()
        page.wait_for_load_state()
        assert case["future"] in page.locator(".field-received_on").inner_text()
        screenshot(page, f"privacy-intake-1-refused-{lang}")
        assert not PrivacyRequest.objects.filter(email=case["email"]).exists()

        # with the day it was received, it is registered and shows its reference
        page.fill("#id_received_on", (today() - timedelta(days=2)).isoformat())
        page.set_input_files("#id_attachments", str(letter))
        page.get_by_role("button", name=case["submit"]).click()
        page.wait_for_url("**/change/")
        request = PrivacyRequest.objects.get(email=case["email"])
        assert case["done"] in page.locator(".messagelist").inner_text()
        assert request.reference in page.locator(".messagelist").inner_text()
        screenshot(page, f"privacy-intake-2-registered-{lang}")
        assert request.channel == Channel.PHONE and request.status == RequestStatus.UNVERIFIED
        assert request.attachments.count() == 1
        assert MailLog.objects.get(recipient=case["email"], template="privacy/verify").language == lang
