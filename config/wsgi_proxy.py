"""The WSGI application as gunicorn serves it behind the front server (deploy/gunicorn.conf.py).

nginx connects from 127.0.0.1, so without this every visitor's REMOTE_ADDR would be that address,
and the login lockout (ACC-2), the throttles and the login records would count all clients as
one. nginx sets X-Real-IP to the address it saw (deploy/nginx/kontoportal.conf); it is believed
only from a peer listed in KONTO_FORWARDED_ALLOW_IPS, as gunicorn believes X-Forwarded-Proto
only from there. A client talking to gunicorn directly cannot choose its address this way.
"""

import ipaddress
import os
from collections.abc import Callable, Iterable
from typing import Any

from config.wsgi import application as django_application

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(value: str) -> list[Network] | None:
    """None means every peer ("*": gunicorn reachable from the front server alone)."""
    items = [item.strip() for item in value.split(",") if item.strip()]
    if "*" in items:
        return None
    return [ipaddress.ip_network(item, strict=False) for item in items]


TRUSTED = trusted_networks(os.environ.get("KONTO_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"))


def peer_trusted(peer: str, trusted: list[Network] | None = TRUSTED) -> bool:
    if trusted is None:
        return True
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return True  # a unix socket: only local processes with its file permissions connect
    return any(address in network for network in trusted)


def client_address(environ: dict[str, Any], trusted: list[Network] | None = TRUSTED) -> None:
    real = environ.get("HTTP_X_REAL_IP", "").strip()
    if not real or not peer_trusted(environ.get("REMOTE_ADDR", ""), trusted):
        return
    try:
        environ["REMOTE_ADDR"] = str(ipaddress.ip_address(real))
    except ValueError:
        pass  # not an address: keep the peer's


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    client_address(environ)
    return django_application(environ, start_response)
