"""robots.txt, fetched once per origin per run (through the same guarded, bounded client) and honoured.

What an answer means (RFC 9309, section 2.3.1):

- 2xx: the rules (Protego), the first 512 KiB of them; ``Crawl-delay`` for our agent is honoured.
- 4xx other than 429, or too many redirects: no rules, everything may be fetched.
- 5xx or 429 (after the usual retries): "unreachable", so nothing on the origin is fetched this run;
  its URLs end as ``robots_disallowed`` with the reason in ``error``.
- No answer at all (timeout, refused, reset, DNS, TLS, blocked address): the origin's URLs end with
  that same outcome, ``error`` starting ``robots.txt:``, and are not requested either.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

from protego import Protego

from core.records import FetchResult, Outcome

ROBOTS_MAX_BYTES = 512 * 1024


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` (lower case, default port dropped)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def robots_url_for(url: str) -> str:
    return origin_of(url) + "/robots.txt"


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against (``mediamon`` in ``mediamon/0.1 (...)``)."""
    token = user_agent.strip().split("/")[0].split(" ")[0]
    return token or user_agent


@dataclass(frozen=True, slots=True, eq=False)
class RobotsRules:
    """What an origin's robots.txt lets us do."""

    robots_url: str
    parser: Protego | None = None            # None: no rules, everything allowed
    disallow_all: bool = False
    unreachable: FetchResult | None = None   # the robots.txt fetch failed on the network
    note: str = ""

    def allows(self, url: str, agent: str) -> bool:
        if self.disallow_all or self.unreachable is not None:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None and delay >= 0 else None


def rules_from(robots_url: str, result: FetchResult) -> RobotsRules:
    """Read the verdict of fetching ``robots_url`` as rules."""
    status = result.http_status or 0
    if result.outcome == Outcome.OK:
        text = (result.body or b"").decode("utf-8", "replace")
        try:
            return RobotsRules(robots_url, Protego.parse(text))
        except Exception as exc:  # an unparseable file is no file: Protego is lenient, this is a backstop
            return RobotsRules(robots_url, note=f"robots.txt unparseable ({type(exc).__name__}): no rules")
    if result.outcome == Outcome.HTTP_ERROR and (status >= 500 or status == 429):
        return RobotsRules(robots_url, disallow_all=True,
                           note=f"robots.txt answered HTTP {status}: origin treated as fully disallowed (RFC 9309)")
    if result.outcome in (Outcome.HTTP_ERROR, Outcome.REDIRECT_LOOP, Outcome.NOT_MODIFIED, Outcome.NOT_HTML):
        return RobotsRules(robots_url, note=f"robots.txt unavailable ({result.error or result.outcome}): no rules")
    return RobotsRules(robots_url, unreachable=result)


class RobotsCache:
    """Rules per origin, fetched at most once per run even when many threads ask at the same time."""

    def __init__(self, fetch_robots: Callable[[str], FetchResult]) -> None:
        self._fetch_robots = fetch_robots
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, RobotsRules] = {}

    def rules_for(self, url: str) -> RobotsRules:
        origin = origin_of(url)
        with self._lock:
            origin_lock = self._origin_locks.setdefault(origin, threading.Lock())
        with origin_lock:
            if origin not in self._rules:
                robots_url = origin + "/robots.txt"
                self._rules[origin] = rules_from(robots_url, self._fetch_robots(robots_url))
            return self._rules[origin]
