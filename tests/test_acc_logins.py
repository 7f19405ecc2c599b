"""ACC-8: one login is one person; shared logins are detected and staff may add a surcharge."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_tenants.utils import tenant_context

from accounts.logins import DEVICE_COOKIE, network_of
from accounts.models import SharedLoginFlag
from accounts.services import shared_login_surcharge
from accounts.workspace.models import LoginRecord
from tests.acc_helpers import actions, client_for, make_account, reload

CPH = ZoneInfo("Europe/Copenhagen")
T0 = datetime(2027, 6, 1, 9, 0, tzinfo=CPH)
PASSWORD = "correct-horse-battery-staple"
pytestmark = pytest.mark.django_db


@pytest.fixture
def account(accounts_ready):
    return make_account("sharetest")


def login(account, ip: str, device: str | None = None, agent: str = "Firefox/130"):
    client = client_for(account)
    if device:
        client.cookies[DEVICE_COOKIE] = device
    response = client.post(
        "/min-konto/login/",
        {"username": "owner@sharetest.example", "password": PASSWORD},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=agent,
    )
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    ("ip", "network"),
    [
        ("192.0.2.17", "192.0.2.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        (None, "unknown"),
        ("junk", "unknown"),
    ],
)
def test_acc8_network_is_the_ipv4_24_or_ipv6_48(ip, network):
    assert network_of(ip) == network


def test_acc8_each_login_records_device_and_network_and_stamps_last_login(account):
    with time_machine.travel(T0, tick=False):
        client = login(account, "192.0.2.17")
    with tenant_context(account):
        record = LoginRecord.objects.get()
        assert (record.network, record.user_agent, record.at) == ("192.0.2.0/24", "Firefox/130", T0)
        assert client.cookies[DEVICE_COOKIE].value == record.device_id
    assert reload(account).last_login_at == T0


def test_acc8_same_user_at_once_from_two_devices_on_two_networks_flags_the_account(account):
    with time_machine.travel(T0, tick=False):
        login(account, "192.0.2.17", device="device-aaaaaaaaaaaaaaaa")
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        login(account, "198.51.100.4", device="device-bbbbbbbbbbbbbbbb", agent="Safari/17")
    flag = SharedLoginFlag.objects.get(account=account)
    assert flag.user_email == "owner@sharetest.example"
    assert [e["network"] for e in flag.evidence] == ["192.0.2.0/24", "198.51.100.0/24"]
    assert [e["user_agent"] for e in flag.evidence] == ["Firefox/130", "Safari/17"]
    assert reload(account).shared_login_flagged


@pytest.mark.parametrize(
    ("second_ip", "second_device", "minutes"),
    [
        ("192.0.2.99", "device-bbbbbbbbbbbbbbbb", 10),  # same network (office): not two people
        ("198.51.100.4", "device-aaaaaaaaaaaaaaaa", 10),  # same device on another network (travelling)
        ("198.51.100.4", "device-bbbbbbbbbbbbbbbb", 45),  # not at once: the first session went quiet
    ],
)
def test_acc8_no_flag_for_one_person_moving_around(account, second_ip, second_device, minutes):
    with time_machine.travel(T0, tick=False):
        login(account, "192.0.2.17", device="device-aaaaaaaaaaaaaaaa")
    with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
        login(account, second_ip, device=second_device)
    assert not SharedLoginFlag.objects.filter(account=account).exists()


def test_acc8_activity_keeps_a_session_at_once_with_a_later_login(account):
    with time_machine.travel(T0, tick=False):
        first = login(account, "192.0.2.17", device="device-aaaaaaaaaaaaaaaa")
    with time_machine.travel(T0 + timedelta(minutes=40), tick=False):
        assert first.get("/min-konto/", REMOTE_ADDR="192.0.2.17").status_code == 200
    with time_machine.travel(T0 + timedelta(minutes=50), tick=False):
        login(account, "198.51.100.4", device="device-bbbbbbbbbbbbbbbb")
    assert SharedLoginFlag.objects.filter(account=account).exists()


def test_acc8_staff_mark_the_surcharge_for_the_next_invoice(account):
    with time_machine.travel(T0, tick=False):
        login(account, "192.0.2.17", device="device-aaaaaaaaaaaaaaaa")
        login(account, "198.51.100.4", device="device-bbbbbbbbbbbbbbbb")
    flag = SharedLoginFlag.objects.get(account=account)
    shared_login_surcharge(flag=flag, actor="staff@kontoportal.test", reason="Confirmed two people")
    flag.refresh_from_db()
    assert flag.surcharge and flag.surcharge_marked_by == "staff@kontoportal.test"
    assert "shared_login_surcharge" in actions(account)
    # billing's query for the next invoice
    assert list(SharedLoginFlag.objects.filter(surcharge=True, surcharge_invoiced_at=None)) == [flag]
