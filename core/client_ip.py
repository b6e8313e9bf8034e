"""The client's address behind a configured number of trusted reverse proxies.

Behind the production proxy REMOTE_ADDR is the proxy, so every client looked alike (one lockout
locked the building). X-Forwarded-For, though, is written by the client first: only the entries
our own proxies appended can be believed. With TRUSTED_PROXY_COUNT = N (the proxies in front of
the web service, each appending the address it received from), the client is the N-th entry
from the right; anything to its left is the client's own claim and is ignored. N = 0 (the
default, `make run`, no proxy): REMOTE_ADDR only, X-Forwarded-For is never read.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request: Any) -> str:
    """Used by django-axes (AXES_CLIENT_IP_CALLABLE) and the per-address rate limits."""
    meta = getattr(request, "META", {})
    remote = str(meta.get("REMOTE_ADDR", "") or "")
    depth = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if depth <= 0:
        return remote
    chain = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
    if len(chain) < depth:
        return remote  # not through all our proxies (a direct hit, or a misconfiguration)
    return _valid(chain[-depth]) or remote


def client_network(request: Any) -> str:
    """What a per-address rate limit counts: the client's address, or for IPv6 its /64 (one
    client, or one office LAN, holds a whole /64: walking through it must not reset a limit)."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
