"""Parsers of settings' values: each takes the raw text of a ``MEDIAMON_*`` variable and returns the value,
or raises ValueError whose message says what the value must be (the range or the form).

A number is finite and within a range that works (no ``nan``, no ``1e400``, no timeout past what a socket
or a lock accepts); a host list holds host names and addresses or networks that parse, without ports.
"""
from __future__ import annotations

import ipaddress
import math
import re
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from core.records import Outcome

HOUR = 3600.0
DAY = 86_400.0
_MEMORY_UNITS = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
                 "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_MEMORY_RE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]i?B)", re.IGNORECASE)
_LABEL_RE = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


def _plain(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:,.0f}"


def seconds(low: float, high: float, *, low_excluded: bool = False) -> Callable[[str], float]:
    """A finite number of seconds from ``low`` (excluded when ``low_excluded``) to ``high``."""
    rule = (f"must be a number of seconds more than {_plain(low)} and at most {_plain(high)}" if low_excluded
            else f"must be a number of seconds from {_plain(low)} to {_plain(high)}")

    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError(rule) from None
        if not math.isfinite(value) or value > high or value < low or (low_excluded and value == low):
            raise ValueError(rule)
        return value

    parse.rule = rule
    return parse


def whole(low: int, high: int) -> Callable[[str], int]:
    """A whole number from ``low`` to ``high``."""
    rule = f"must be a whole number from {low:,} to {high:,}"

    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(rule) from None
        if not low <= value <= high:
            raise ValueError(rule)
        return value

    parse.rule = rule
    return parse


def fraction(raw: str) -> float:
    """A number more than 0 and at most 1."""
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError(fraction.rule) from None
    if not 0 < value <= 1:  # false for nan too
        raise ValueError(fraction.rule)
    return value


fraction.rule = "must be a number more than 0 and at most 1"


def memory_size(raw: str, minimum: int = 32 * 10**6) -> str:
    """A DuckDB memory size such as 512MB or 2GB, at least 32MB (DuckDB cannot work in less)."""
    match = _MEMORY_RE.fullmatch(raw.strip())
    if not match:
        raise ValueError("must be a size such as 512MB or 2GB")
    if float(match.group(1)) * _MEMORY_UNITS[match.group(2).lower()] < minimum:
        raise ValueError("must be at least 32MB")
    return raw.strip()


def path(raw: str) -> Path:
    """A file or folder; ``~`` is the user's home (a service's environment file is not read by a shell)."""
    return Path(raw.strip()).expanduser()


def header_text(raw: str) -> str:
    """Text sent in an HTTP header (the User-Agent): printable Latin-1, one line, at most 1,000 characters."""
    value = raw.strip()
    if any(not (" " <= c <= "~" or "\xa0" <= c <= "\xff") for c in value) or not 0 < len(value) <= 1000:
        raise ValueError("must be one line of printable Latin-1 text (an HTTP header), at most 1,000 characters")
    return value


def http_url(raw: str) -> str:
    """An http(s) URL with a host (and a valid port), without a trailing slash."""
    value = raw.strip().rstrip("/")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError for a port out of range
    except ValueError:
        raise ValueError("must be an http(s):// URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in value):
        raise ValueError("must be an http(s):// URL with a host, e.g. https://web.archive.org")
    return value


def host_or_network(entry: str) -> str:
    """One entry of ``MEDIAMON_ALLOW_HOSTS``: a host name, an IP address or a network (CIDR), in the form
    ``fetch.guard.AllowList`` matches: lower case, IPv6 without brackets, a name in its ASCII (IDNA) form."""
    value = entry.strip()
    if "://" in value:
        raise ValueError(f"{entry!r} is a URL: give its host only")
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    try:
        return str(ipaddress.ip_network(value, strict=False)) if "/" in value else str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if "/" in value:
        raise ValueError(f"{entry!r} is not a network (CIDR such as 10.0.0.0/8)")
    if ":" in value:
        raise ValueError(f"{entry!r} has a port or is not an address: give the host alone (ports are not matched)")
    if "*" in value:
        raise ValueError(f"{entry!r}: wildcards are not matched; name each host, or give a network (CIDR)")
    try:
        name = value.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(f"{entry!r} is not a host name") from None
    if not name or len(name) > 253 or not all(_LABEL_RE.fullmatch(label) for label in name.split(".")):
        raise ValueError(f"{entry!r} is not a host name")
    return name


def host_list(raw: str) -> tuple[str, ...]:
    """Comma-separated hosts, addresses and networks (see ``host_or_network``)."""
    return tuple(host_or_network(part) for part in raw.split(",") if part.strip())


def words(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def on_off(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
        raise ValueError("must be on or off")
    return value in ("on", "true", "1", "yes")


def dead_link_rule(raw: str) -> tuple[str, ...]:
    """Outcomes (``timeout``, ``dns_error``, ...) and HTTP statuses (``404``) that send a URL to the web archive."""
    items = tuple(part.lower() for part in words(raw))
    known = {o.value for o in Outcome} - {"ok", "not_modified", "not_archived"}
    for item in items:
        if not (item in known or (item.isdigit() and 400 <= int(item) <= 599)):
            raise ValueError(f"{item!r} is neither a failure outcome nor an HTTP status 400-599")
    return items


def storage_location(raw: str) -> str:
    """A folder, or an fsspec URL (``protocol://...``)."""
    value = raw.strip()
    if "://" in value and not re.fullmatch(r"[a-z][a-z0-9+.-]*", value.split("://", 1)[0]):
        raise ValueError("must be a folder or a URL such as s3://bucket/path")
    return value


def cron(raw: str) -> str:
    """A five-field cron expression (minute hour day month weekday), as Prefect schedules take."""
    fields = raw.split()
    if len(fields) != 5 or not all(re.fullmatch(r"[\d*/,\-A-Za-z]+", f) for f in fields):
        raise ValueError("must be a cron expression of five fields, such as '0 2 * * *'")
    return " ".join(fields)
