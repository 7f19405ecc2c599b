"""GDPR-5: a calendar month from receipt, one extension before the deadline, reasons sent."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import MailLog
from config.clock import today
from privacy import selectors
from privacy.audit import request_trail
from privacy.jobs import deadline_reminders
from privacy.models import AuditAction, RequestStatus
from privacy.services.common import due_date
from privacy.services.deadlines import request_assign, request_extend, request_refuse

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2027, 3, 31), date(2027, 4, 30)),
        (date(2027, 2, 15), date(2027, 3, 15)),
    ],
)
def test_gdpr5_due_is_one_calendar_month_month_end_aware(received, due):
    assert due_date(received) == due


def test_gdpr5_request_received_31_jan_is_due_28_feb(file_request):
    with time_machine.travel(datetime(2027, 1, 31, 10, 0, tzinfo=CPH), tick=False):
        request = file_request()
    assert request.due_on == date(2027, 2, 28)


def test_gdpr5_extension_before_deadline_adds_months_and_mails_the_reason(
    verified_request, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2027, 1, 31, 10, 0, tzinfo=CPH), tick=False):
        request = verified_request()
    with time_machine.travel(datetime(2027, 2, 20, 10, 0, tzinfo=CPH), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            request_extend(request=request, months=2, reason="Mange konti berørt", actor=None)
    # counted from receipt: 31 Jan + 3 months
    assert request.due_on == date(2027, 4, 30)
    assert "Mange konti berørt" in mailoutbox[-1].body
    assert request_trail(request).filter(action=AuditAction.EXTENDED).count() == 1


def test_gdpr5_extension_refused_after_the_first_deadline(verified_request):
    with time_machine.travel(datetime(2027, 1, 31, 10, 0, tzinfo=CPH), tick=False):
        request = verified_request()
    with time_machine.travel(datetime(2027, 3, 1, 10, 0, tzinfo=CPH), tick=False):
        with pytest.raises(ValidationError):
            request_extend(request=request, months=1, reason="for sent", actor=None)
    request.refresh_from_db()
    assert request.due_on == date(2027, 2, 28) and request.extended_months == 0


def test_gdpr5_extension_only_once_and_at_most_two_months_with_a_reason(verified_request):
    request = verified_request()
    with pytest.raises(ValidationError):
        request_extend(request=request, months=3, reason="x", actor=None)
    with pytest.raises(ValidationError):
        request_extend(request=request, months=1, reason="  ", actor=None)
    request_extend(request=request, months=1, reason="x", actor=None)
    with pytest.raises(ValidationError):
        request_extend(request=request, months=1, reason="again", actor=None)


def test_gdpr5_refusal_needs_a_reason_and_tells_of_the_right_to_complain(
    verified_request, mailoutbox, django_capture_on_commit_callbacks
):
    request = verified_request()
    with pytest.raises(ValidationError):
        request_refuse(request=request, reason="", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        request_refuse(request=request, reason="Åpenbart grunnløs", actor=None)
    assert request.status == RequestStatus.REFUSED
    body = mailoutbox[-1].body
    assert "Åpenbart grunnløs" in body
    assert "Úrad na ochranu osobných údajov" in body and "klage" in body


def test_gdpr5_queue_shows_days_left_bands_and_overdue(verified_request):
    with time_machine.travel(datetime(2027, 1, 31, 10, 0, tzinfo=CPH), tick=False):
        request = verified_request()
        assert selectors.deadline_band(request) == "ok"
    with time_machine.travel(datetime(2027, 2, 24, 10, 0, tzinfo=CPH), tick=False):
        assert selectors.days_left(request) == 4 and selectors.deadline_band(request) == "near"
    with time_machine.travel(datetime(2027, 3, 2, 10, 0, tzinfo=CPH), tick=False):
        assert selectors.deadline_band(request) == "overdue"
        assert selectors.metrics().overdue >= 1


def test_gdpr5_daily_job_mails_the_owner_once_per_day(verified_request, staff_user, django_capture_on_commit_callbacks):
    request = verified_request()
    request_assign(request=request, owner=staff_user, actor=staff_user)
    at = datetime.combine(request.due_on - timedelta(days=3), datetime.min.time(), tzinfo=CPH).replace(hour=7)
    with time_machine.travel(at, tick=False):
        dry = deadline_reminders(at=at, dry_run=True)
        assert dry.counts == {"reminders": 1}
        assert not MailLog.objects.filter(template="privacy/reminder").exists()
        with django_capture_on_commit_callbacks(execute=True):
            deadline_reminders(at=at, dry_run=False)
            again = deadline_reminders(at=at, dry_run=False)
    assert again.counts == {}
    mail = MailLog.objects.get(template="privacy/reminder")
    assert mail.recipient == staff_user.email
    assert today() is not None
