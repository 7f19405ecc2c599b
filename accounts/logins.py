"""ACC-8 shared-login detection and the last-login stamp that ACC-11 reads.

A login is recorded with its device (a long-lived random cookie + the user agent) and its
network (IPv4 /24, IPv6 /48: a phone hopping between addresses of one provider stays on one
network). One user active at the same time from a different device on a different network is
one login used by two people: the account is flagged with both records as evidence.
"""

import ipaddress
import secrets
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest

from accounts.lifecycle import audit, save_fields
from accounts.models import Account, SharedLoginFlag
from accounts.users.models import User
from accounts.workspace.models import LoginRecord
from config.clock import now

DEVICE_COOKIE = "kp_device"
# Two sessions both seen within this window count as "at once".
ACTIVE_WINDOW = timedelta(minutes=30)
# How often a request refreshes its login's last_seen_at.
TOUCH_EVERY = timedelta(minutes=5)
SESSION_KEY = "kp_login_record"


def network_of(ip: str | None) -> str:
    if not ip:
        return "unknown"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return "unknown"
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def device_id_for(request: HttpRequest) -> str:
    existing = request.COOKIES.get(DEVICE_COOKIE, "")
    if 16 <= len(existing) <= 64 and existing.replace("-", "").replace("_", "").isalnum():
        return existing
    return secrets.token_urlsafe(24)


@transaction.atomic
def login_record(*, account: Account, user: User, device_id: str, user_agent: str, ip: str | None) -> LoginRecord:
    """Record one login (inside the account's schema), stamp the account's last login (public
    schema) and flag a shared login."""
    moment = now()
    record = LoginRecord.objects.create(
        user=user,
        at=moment,
        last_seen_at=moment,
        device_id=device_id,
        user_agent=user_agent[:300],
        ip=ip or None,
        network=network_of(ip),
    )
    save_fields(account, last_login_at=moment)
    shared_login_check(account=account, record=record)
    return record


def shared_login_check(*, account: Account, record: LoginRecord) -> SharedLoginFlag | None:
    others = (
        LoginRecord.objects.filter(user=record.user, last_seen_at__gte=record.at - ACTIVE_WINDOW)
        .exclude(pk=record.pk)
        .exclude(device_id=record.device_id)
        .exclude(network=record.network)
        .order_by("-last_seen_at")
    )
    other = others.first()
    if other is None:
        return None
    evidence = [
        {
            "at": r.at.isoformat(),
            "last_seen_at": r.last_seen_at.isoformat(),
            "device_id": r.device_id,
            "user_agent": r.user_agent,
            "ip": r.ip,
            "network": r.network,
        }
        for r in (other, record)
    ]
    flag = SharedLoginFlag.objects.create(
        account=account, user_email=record.user.email, detected_at=record.at, evidence=evidence
    )
    save_fields(account, shared_login_flagged=True)
    audit(account=account, actor="system", action="shared_login_flagged", data={"user": record.user.email})
    return flag


def login_touch(request: HttpRequest) -> None:
    """Keep the current login's last_seen_at fresh, at most once per TOUCH_EVERY."""
    record_id = request.session.get(SESSION_KEY)
    if not record_id:
        return
    moment = now()
    last = request.session.get(SESSION_KEY + "_touched")
    if last and moment.timestamp() - float(last) < TOUCH_EVERY.total_seconds():
        return
    LoginRecord.objects.filter(pk=record_id).update(last_seen_at=moment)
    request.session[SESSION_KEY + "_touched"] = moment.timestamp()


def client_ip(request: HttpRequest) -> str | None:
    # Behind a reverse proxy, configure it to set REMOTE_ADDR (never trust X-Forwarded-For blindly).
    return request.META.get("REMOTE_ADDR")
