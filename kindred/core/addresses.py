"""Which address a request really came from, when Kindred may sit behind proxies (ADR-078).

Pure: no Django import. `kindred.core.services.client_ip` is the one caller; sign-in lockout,
rate limits and the audit log all count against what it returns.

A client can write anything in `X-Forwarded-For`; each proxy appends the address it was
connected from. So the header is read only when the connection itself comes from a trusted
proxy, and then from the right: every address a trusted proxy appended is skipped, and the first
one that is not a trusted proxy is the client. What a client wrote to the left of it is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=32)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """Parse the configured proxies once (settings give them as strings)."""
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def parse_address(text: str) -> Address | None:
    """An IP address as a proxy writes it: plain, `[v6]`, or with a port (`1.2.3.4:5678`,
    `[2001:db8::1]:443`). None for anything else."""
    text = text.strip().strip('"')
    candidates = [text]
    if text.startswith("[") and "]" in text:
        candidates.append(text[1 : text.index("]")])
    elif text.count(":") == 1:
        candidates.append(text.split(":", 1)[0])
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return address.ipv4_mapped
        return address
    return None


def _is_trusted(address: Address, networks: Iterable[Network]) -> bool:
    return any(address in network for network in networks)


def peer_is_trusted(remote_addr: str | None, trusted: tuple[Network, ...]) -> bool:
    """Whether the connection comes from a trusted proxy (an empty REMOTE_ADDR is a Unix socket,
    which only a local proxy can reach; gunicorn trusts it too)."""
    if not remote_addr:
        return True
    peer = parse_address(remote_addr)
    return peer is not None and _is_trusted(peer, trusted)


def client_address(
    *, remote_addr: str | None, forwarded_for: str | None, trusted: tuple[Network, ...]
) -> str | None:
    """The client's address.

    `remote_addr` is the connection's peer (REMOTE_ADDR). An empty one means a Unix socket,
    which only a local proxy can reach, so it is trusted as gunicorn trusts it.
    `forwarded_for` is the X-Forwarded-For header (several headers joined by commas)."""
    peer: Address | None = None
    if remote_addr:
        peer = parse_address(remote_addr)
        if peer is None:
            return None
        if not _is_trusted(peer, trusted):
            return str(peer)  # not a proxy of ours: whatever it sent in headers is ignored
    hops = [hop for hop in (forwarded_for or "").split(",") if hop.strip()]
    nearest = peer
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            break  # a trusted proxy passed on something unreadable: trust nothing beyond it
        if not _is_trusted(address, trusted):
            return str(address)
        nearest = address
    return str(nearest) if nearest is not None else None
