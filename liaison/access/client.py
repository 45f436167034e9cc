"""The client's address, the one way every part of the app reads it (the login throttle, the audit log)."""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_proxies() -> tuple[Network, ...]:
    """``settings.TRUSTED_PROXIES`` (addresses or CIDR blocks) as networks."""
    return _networks(tuple(settings.TRUSTED_PROXIES))


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the same client.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address, proxies) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def client_address(request) -> str | None:
    """The address the request came from.

    ``REMOTE_ADDR``, unless it is one of ``TRUSTED_PROXIES``: then the right-most address of ``X-Forwarded-For``
    that is not a trusted proxy. Anything left of it was written by the client and may be forged, so it is never
    read; nor is the header at all when the request did not come through a trusted proxy. A malformed entry ends the
    walk at the last proxy that was trusted.
    """
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    proxies = trusted_proxies()
    if not proxies or not _is_trusted(remote, proxies):
        return str(remote)
    hop = remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        if not entry.strip():
            continue
        address = _address(entry)
        if address is None:
            break
        hop = address
        if not _is_trusted(address, proxies):
            break
    return str(hop)
