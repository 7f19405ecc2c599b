"""GDPR-3, -6, -9: consents, one-click unsubscribe, and restriction/objection stop marketing."""

from urllib.parse import urlsplit

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from accounts.mailer import mail_send
from accounts.models import MailLog, MailStatus
from conftest import PASSWORD
from privacy.marketing import marketing_allowed, profiling_allowed, unsubscribe_token, unsubscribe_url
from privacy.models import Consent, ConsentPurpose, ConsentSource, RequestKind
from privacy.services.consents import consent_give, consent_withdraw, restriction_apply

pytestmark = pytest.mark.django_db
EMAIL = "kari.nordmann@example.org"


def _marketing_mail(django_capture_on_commit_callbacks) -> MailLog:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return mail_send(to=EMAIL, template="account_welcome", language="nb", marketing=True, context={})


def test_gdpr9_consent_records_purpose_source_and_timestamps():
    consent = consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    assert consent.given_at and consent.source == "newsletter" and consent.withdrawn_at is None
    assert marketing_allowed(EMAIL) and not profiling_allowed(EMAIL)
    consent_withdraw(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.MINKONTO)
    consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.MINKONTO)
    assert Consent.objects.filter(email=EMAIL).count() == 2  # history kept


def test_gdpr9_no_consent_no_marketing_mail(mailoutbox, django_capture_on_commit_callbacks):
    log = _marketing_mail(django_capture_on_commit_callbacks)
    assert log.status == MailStatus.SUPPRESSED and mailoutbox == []


def test_gdpr6_restricted_person_gets_no_marketing_mail(
    verified_request, mailoutbox, django_capture_on_commit_callbacks
):
    consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    consent_give(email=EMAIL, purpose=ConsentPurpose.PROFILING, source=ConsentSource.NEWSLETTER)
    assert _marketing_mail(django_capture_on_commit_callbacks).status != MailStatus.SUPPRESSED
    request = verified_request(kind=RequestKind.RESTRICTION)
    restriction_apply(request=request, actor=None)
    sent_before = len(mailoutbox)
    log = _marketing_mail(django_capture_on_commit_callbacks)
    assert log.status == MailStatus.SUPPRESSED
    assert len(mailoutbox) == sent_before
    assert not profiling_allowed(EMAIL)


def test_gdpr6_objection_stops_marketing_too(verified_request):
    consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    restriction_apply(request=verified_request(kind=RequestKind.OBJECTION), actor=None)
    assert not marketing_allowed(EMAIL)


def test_gdpr3_one_click_unsubscribe_link_takes_effect_at_once(public_client, django_capture_on_commit_callbacks):
    consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    log = _marketing_mail(django_capture_on_commit_callbacks)
    url = unsubscribe_url(EMAIL)
    assert "/unsubscribe/" in url
    response = public_client.get(urlsplit(url).path)
    assert response.status_code == 200
    assert not marketing_allowed(EMAIL)
    assert Consent.objects.get().withdrawn_source == ConsentSource.UNSUBSCRIBE
    assert log.pk


def test_gdpr3_forged_unsubscribe_link_changes_nothing(public_client):
    consent_give(email=EMAIL, purpose=ConsentPurpose.MARKETING, source=ConsentSource.NEWSLETTER)
    token = unsubscribe_token("someone.else@example.org")
    response = public_client.get(f"/unsubscribe/{token[:-3]}abc/")
    assert response.status_code == 400
    assert marketing_allowed(EMAIL)


def test_gdpr3_consent_switch_in_min_konto(client_a):
    client_a.post("/min-konto/login/", {"username": "owner@alfa.dk", "password": PASSWORD})
    client_a.post("/min-konto/privacy/consent/", {"marketing": "on"})
    assert marketing_allowed("owner@alfa.dk")
    page = client_a.get("/min-konto/privacy/")
    assert page.status_code == 200 and 'name="marketing" checked' in page.content.decode()
    client_a.post("/min-konto/privacy/consent/", {})
    assert not marketing_allowed("owner@alfa.dk")


def test_gdpr3_unsubscribe_footer_for_marketing_templates():
    with translation.override("nb"):
        text = render_to_string("email/privacy/unsubscribe_footer.txt", {"unsubscribe_url": unsubscribe_url(EMAIL)})
    assert "Meld deg av med ett klikk" in text and "/unsubscribe/" in text
