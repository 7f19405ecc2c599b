"""SUB-4: double opt-in subscriptions, notices at least 30 days ahead, Owners subscribed by default."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from accounts.models import MailLog
from config.clock import today
from subprocessors.jobs import subprocessor_notices
from subprocessors.models import Notice, NoticeDelivery, OwnerOptOut, Subscriber
from subprocessors.services import (
    notices_send,
    owner_opt_out_token,
    registry_publish,
    subscriber_confirm,
    subscriber_confirm_token,
    subscriber_subscribe,
    subscriber_unsubscribe_token,
)
from subprocessors.tests.conftest import entry_make, later

pytestmark = pytest.mark.django_db


@pytest.fixture
def first_version(accounts_ready):
    entry_make("base-eu", region="EU")
    with time_machine.travel(datetime(2019, 10, 28, 9, tzinfo=UTC), tick=False):
        return registry_publish(actor="staff@example.test")


def _confirmed(email: str, language: str = "da") -> Subscriber:
    subscriber = subscriber_subscribe(email=email, language=language)
    return subscriber_confirm(token=subscriber_confirm_token(subscriber))


def test_sub4_subscribing_twice_gives_one_subscription_and_a_confirmation_mail(
    public_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = public_client.post(
            "/subprocessors/subscribe/", {"email": "Dpo@Example.test"}, HTTP_ACCEPT_LANGUAGE="nb"
        )
        public_client.post("/subprocessors/subscribe/", {"email": "dpo@example.test"}, HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200 and "Sjekk innboksen din" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "dpo@example.test" and subscriber.language == "nb" and subscriber.confirmed_at is None
    assert len(mail.outbox) == 2  # the link again, for someone who lost the first mail
    assert "/subprocessors/subscribe/confirm/" in mail.outbox[0].body and "Bekreft" in mail.outbox[0].subject
    assert subscriber.token not in mail.outbox[0].body  # the link is opaque


def test_sub4_invalid_email_is_refused_and_creates_nothing(public_client):
    response = public_client.post("/subprocessors/subscribe/", {"email": "not-an-address"}, HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not Subscriber.objects.exists()


def test_sub4_confirm_link_activates_and_forged_link_changes_nothing(public_client):
    subscriber = subscriber_subscribe(email="dpo@example.test", language="da")
    forged = public_client.get("/subprocessors/subscribe/confirm/forged-token/", HTTP_ACCEPT_LANGUAGE="da")
    assert forged.status_code == 404 and "Linket er ikke gyldigt" in forged.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    assert (
        public_client.get(f"/subprocessors/subscribe/confirm/{subscriber_confirm_token(subscriber)}/").status_code
        == 200
    )
    subscriber.refresh_from_db()
    assert subscriber.active


def test_sub4_notice_reaches_confirmed_subscribers_and_owners_at_least_30_days_ahead(
    first_version, django_capture_on_commit_callbacks
):
    _confirmed("dpo@example.test", "nb")
    subscriber_subscribe(email="unconfirmed@example.test", language="da")
    entry_make("newco", region="EU", legal_entity="Newco Cloud ApS", start=later(30))
    registry_publish(actor="staff@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        sent = notices_send()
    recipients = {m.to[0]: m for m in mail.outbox}
    # Confirmed subscriber + Owner of the EU account; not the unconfirmed one, not the UK Owner.
    assert sent == 2 and set(recipients) == {"dpo@example.test", "owner@alfa.dk"}
    delivery = NoticeDelivery.objects.get(email="dpo@example.test")
    assert delivery.notice.start_date - delivery.sent_at.date() >= timedelta(days=30)
    # In each recipient's language; the Owner may object from Min konto.
    assert "Ny underdatabehandler" in recipients["dpo@example.test"].subject
    assert "/subprocessors/unsubscribe/" in recipients["dpo@example.test"].body
    assert "alfa.localhost" in recipients["owner@alfa.dk"].body and "indsigelse" in recipients["owner@alfa.dk"].body


def test_sub4_no_notice_to_unconfirmed_subscribers(first_version, django_capture_on_commit_callbacks):
    subscriber_subscribe(email="unconfirmed@example.test", language="da")
    entry_make("newco", region="US", start=later(45))  # no US account: only subscribers could hear of it
    registry_publish(actor="staff@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_send() == 0
    assert not MailLog.objects.filter(template="subprocessors_notice").exists()


def test_sub4_notices_are_sent_once_whatever_the_number_of_runs(first_version, django_capture_on_commit_callbacks):
    _confirmed("dpo@example.test")
    entry_make("newco", region="ALL", start=later(60))
    registry_publish(actor="staff@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        first = subprocessor_notices(at=datetime.now(UTC), dry_run=False)
        second = subprocessor_notices(at=datetime.now(UTC), dry_run=False)
    # ALL regions: the subscriber and both test accounts' Owners, once each.
    assert first.counts == {"sent": 3} and second.counts == {"nothing": 1}
    assert NoticeDelivery.objects.count() == 3 and len(mail.outbox) == 3


def test_sub4_dry_run_sends_and_records_nothing(first_version):
    _confirmed("dpo@example.test")
    entry_make("newco", region="EU", start=later(60))
    registry_publish(actor="staff@example.test")
    report = subprocessor_notices(at=datetime.now(UTC), dry_run=True)
    assert report.counts == {"sent": 2}
    assert not NoticeDelivery.objects.exists()


def test_sub4_first_published_list_announces_nothing(accounts_ready):
    entry_make("base", region="EU")
    registry_publish(actor="staff@example.test")
    assert not Notice.objects.exists()


def test_sub4_unsubscribe_is_one_click_and_forged_link_changes_nothing(public_client, first_version):
    subscriber = _confirmed("dpo@example.test")
    assert public_client.get("/subprocessors/unsubscribe/nope/").status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.active
    response = public_client.get(
        f"/subprocessors/unsubscribe/{subscriber_unsubscribe_token(subscriber)}/", HTTP_ACCEPT_LANGUAGE="da"
    )
    assert response.status_code == 200 and "Du er afmeldt" in response.content.decode()
    subscriber.refresh_from_db()
    assert not subscriber.active
    entry_make("newco", region="US", start=later(45))
    registry_publish(actor="staff@example.test")
    assert notices_send() == 0


def test_sub4_owner_opt_out_link_stops_owner_notices_and_forged_one_is_refused(public_client, account_a, first_version):
    assert public_client.get("/subprocessors/owner-opt-out/forged:token/").status_code == 404
    assert not OwnerOptOut.objects.exists()
    assert public_client.get(f"/subprocessors/owner-opt-out/{owner_opt_out_token(account_a)}/").status_code == 200
    entry_make("newco", region="EU", start=later(45))
    registry_publish(actor="staff@example.test")
    assert notices_send() == 0


def test_sub4_notice_not_sent_once_the_start_has_passed(first_version):
    _confirmed("dpo@example.test")
    entry_make("newco", region="US", start=later(31))
    registry_publish(actor="staff@example.test")
    with time_machine.travel(today() + timedelta(days=32)):
        assert notices_send() == 0
