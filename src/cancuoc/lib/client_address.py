"""The address a request came from, as the per-address limits count it.

``REMOTE_ADDR`` is the peer of the connection. Behind a reverse proxy that peer is the proxy,
for every citizen at once; the proxy names the client in ``X-Forwarded-For``, appending the
address it saw to whatever the client sent. So the header is believed only when the peer is
one of ``CANCUOC_TRUSTED_PROXIES``, and then read from the right: the first address that is
not itself a trusted proxy is the one a trusted proxy saw. Addresses further left were
written by the client and could be anything."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.utils.ipv6 import clean_ipv6_address

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _address(text: str) -> Address | None:
    """An address as proxies write it: ``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443``."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def _written(address: Address) -> str:
    """As the database stores it (GenericIPAddressField): the audit chain hashes this text,
    so it must read back the same (Python writes ::ffff:1.2.3.4 as ::ffff:102:304)."""
    text = str(address)
    return clean_ipv6_address(text) if ":" in text else text


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or behind a trusted proxy the right-most
    ``X-Forwarded-For`` address that is not a trusted proxy. When the proxy sent no usable
    address, the proxy's own (every such client shares its limits, as without the setting)."""
    remote = request.META.get("REMOTE_ADDR") or None
    peer = _address(remote) if remote else None
    networks = _networks(tuple(settings.CANCUOC_TRUSTED_PROXIES))
    if peer is None:
        return remote
    if not _trusted(peer, networks):
        return _written(peer)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",")):
        address = _address(entry)
        if address is None:
            return _written(peer)
        if not _trusted(address, networks):
            return _written(address)
    return _written(peer)
