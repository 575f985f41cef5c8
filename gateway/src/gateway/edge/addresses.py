"""Who is really calling: ``X-Forwarded-For`` is believed only from configured proxies.

The gateway serves with uvicorn's own proxy-header handling off (``__main__``), so the peer in
the ASGI scope is the TCP peer. From a trusted proxy the chain is read right to left, skipping
trusted hops; the first address that is not a trusted proxy is the caller. From anyone else the
header is ignored: a caller cannot choose the address the network log records or the address its
token requests are counted against.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Networks:
    def __init__(self, specs: Iterable[str]) -> None:
        self._networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(spec, strict=False) for spec in specs
        )
        self.contains = lru_cache(maxsize=4096)(self._contains)

    def _contains(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self._networks)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def peer_of(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


def source_address(scope: Scope, trusted: Networks) -> str | None:
    """The caller's address, cached in the request state."""
    state = scope.setdefault("state", {})
    known: str | None = state.get("source_address")
    if known is not None:
        return known
    peer = peer_of(scope)
    address = peer
    if peer is not None and trusted.contains(peer):
        chain = _header(scope, b"x-forwarded-for")
        for hop in reversed([h.strip() for h in chain.split(",")] if chain else []):
            if not hop:
                continue
            address = hop[:64]
            if not trusted.contains(hop):
                break
    if address is not None:
        state["source_address"] = address
    return address


def forwarded_chain(scope: Scope, trusted: Networks) -> str | None:
    """The ``X-Forwarded-For`` the services see: the trusted chain plus the peer, or only the
    peer when it is not a trusted proxy (a spoofed header is dropped)."""
    peer = peer_of(scope)
    if peer is None:
        return None
    prior = _header(scope, b"x-forwarded-for")
    if not prior or not trusted.contains(peer):
        return peer
    return f"{prior}, {peer}"


def relayed(scope: Scope) -> bool:
    """A proxy relayed this request (it says so): not a call from the internal network itself."""
    return any(key in (b"x-forwarded-for", b"forwarded") for key, _ in scope.get("headers", ()))
