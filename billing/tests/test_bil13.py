"""BIL-13: a custom delivery recorded by staff becomes a one-off line on the next invoice."""

from datetime import date
from decimal import Decimal

import pytest

from billing.models import CustomDelivery
from billing.services.deliveries import custom_delivery_record
from billing.services.documents import invoice_issue
from billing.tests.conftest import seats
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_bil13_custom_delivery_is_billed_once_on_the_next_invoice(account_a, make_profile):
    make_profile(account_a, country="DK")
    delivery = custom_delivery_record(
        account=account_a,
        description="Import of 12,000 tickets from the old system",
        price=Decimal("450.00"),
        agreed_on=date(2026, 2, 20),
        actor="staff@kontoportal.test",
    )
    first = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
    second = invoice_issue(account=account_a, lines=seats(), notify=False, render_pdf=False)
    assert [line.description for line in first.lines.all()] == [
        "Helpdesk subscription, per agent",
        "Import of 12,000 tickets from the old system",
    ]
    assert first.net_total == Decimal("567.00")  # 3 × 39 + 450
    assert second.lines.count() == 1
    assert CustomDelivery.objects.get(pk=delivery.pk).invoice_id == first.pk
    assert AuditEvent.objects.filter(action="custom_delivery_recorded", account_id=account_a.pk).count() == 1


def test_bil13_staff_record_a_delivery_in_the_admin(account_a, make_profile, staff_user, public_client):
    public_client.force_login(staff_user)
    response = public_client.post(
        "/admin/billing/customdelivery/add/",
        {
            "account": account_a.pk,
            "description": "Custom report",
            "price": "120.00",
            "currency": "EUR",
            "agreed_on": "2026-02-21",
        },
    )
    assert response.status_code == 302
    delivery = CustomDelivery.objects.get(description="Custom report")
    assert delivery.recorded_by == staff_user.email and delivery.invoice is None
