"""Address guard: refuse loopback, private, link-local, multicast and cloud-metadata targets."""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}


class DnsFailure(Exception):
    """The host name does not resolve."""


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
    ):
        if flag:
            return f"{reason} address"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DnsFailure(str(exc)) from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def check_target(host: str, port: int, allow: AllowList) -> str | None:
    """None when every address ``host`` resolves to may be fetched; else the reason it may not.

    Raises DnsFailure when the name does not resolve.
    """
    for address in resolve(host, port):
        if allow.allows(host, address):
            continue
        reason = forbidden_reason(address)
        if reason:
            return f"{host} resolves to {address}: {reason}"
    return None
