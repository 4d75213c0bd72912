"""Address guard: refuse loopback, private, link-local, multicast and cloud-metadata targets.

The check runs where the connection is made (see ``fetch.pinned``): the addresses vetted here
are the addresses connected to, so a name that resolves differently a moment later cannot slip past.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
             ipaddress.ip_address("100.100.100.200")}


class DnsFailure(Exception):
    """The host name does not resolve."""


class BlockedAddress(Exception):
    """The target resolves to an address the guard refuses (not an OSError: it must not look like a network fault)."""


@dataclass(frozen=True, slots=True)
class AllowList:
    """Hosts and networks exempt from the guard (``MEDIAMON_ALLOW_HOSTS``)."""

    hosts: frozenset[str]
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    @classmethod
    def parse(cls, entries: tuple[str, ...]) -> "AllowList":
        hosts, networks = set(), []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def allows(self, host: str, address: IPAddress) -> bool:
        if host.lower().rstrip(".") in self.hosts:
            return True
        return any(address in network for network in self.networks)


def forbidden_reason(address: IPAddress) -> str | None:
    """Why ``address`` must not be fetched, or None if it is a public address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address in _METADATA:
        return "cloud metadata address"
    for reason, flag in (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-public", not address.is_global),  # e.g. 100.64.0.0/10 carrier-grade NAT
    ):
        if flag:
            return f"{reason} address"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, in the resolver's order, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DnsFailure(str(exc)) from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return list(dict.fromkeys(addresses))


def vetted_addresses(host: str, port: int, allow: AllowList) -> list[IPAddress]:
    """The addresses to connect to for ``host``.

    Raises BlockedAddress when any address it resolves to is refused (a name that mixes public and
    private answers is treated as hostile), DnsFailure when it does not resolve.
    """
    addresses = resolve(host, port)
    for address in addresses:
        if allow.allows(host, address):
            continue
        reason = forbidden_reason(address)
        if reason:
            raise BlockedAddress(f"{host} resolves to {address}: {reason}")
    return addresses
