"""The Fetcher: every attempt made for a URL, each ended as a FetchResult, never an exception.

One URL: robots.txt of its origin (cached), then attempts with backoff while the failure is
transient; within an attempt, redirects followed by hand, each hop checked (scheme, robots.txt,
address guard at connect time), paced per host and bounded in time and size (``exchange``). A page
that redirects itself (``<meta http-equiv=refresh>``, a one-line script: ``refresh``) is one more
hop. Each target is read as a browser reads it and named in canonical form (``location``).
Every response received (robots.txt, redirect hops, retries, errors) is written to the raw archive
with its request, when there is one; each result points at its final response record. A URL whose
live attempts end dead (``MEDIAMON_WAYBACK_ON``) is looked up in the web archive (``wayback``).
"""
from __future__ import annotations

import dataclasses
import logging
import random
import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable
from urllib.parse import urlsplit

import requests

from fetch.deadline import Watchdog
from fetch.exchange import BodyRules, Exchange, Timeouts, exchange
from fetch.guard import AllowList
from fetch.location import resolve_target, wire_url
from fetch.pacing import HostPacer
from fetch.pinned import GuardedAdapter
from fetch.retry import RetryPolicy, parse_retry_after
from fetch.probe import probe_url
from fetch.refresh import refresh_target
from fetch.robots import ROBOTS_MAX_BYTES, RobotsCache, RobotsRules, agent_token
from fetch.wayback import WebArchive, is_dead
from core.errors import ArchiveUnavailable
from core.records import ArchivedAt, FetchResult, Outcome, Validators
from fetch.recorder import ExchangeRecorder
from core.settings import Settings

log = logging.getLogger("mediamon.fetch")
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309: follow at least five


@dataclass(frozen=True, slots=True)
class _Purpose:
    """What is being fetched: an article page, or an origin's robots.txt."""

    body: BodyRules
    max_redirects: int
    obeys_robots: bool
    follows_refresh: bool = False  # a page's own redirect (meta refresh, one-line script) is a hop


@dataclass(frozen=True, slots=True)
class _Attempt:
    result: FetchResult
    retry_after: str | None = None
    final: bool = False  # refused before any request (robots.txt, scheme), or a body that cannot be decoded:
    # trying again cannot help


class Fetcher:
    """Fetches URLs politely and within bounds. Thread-safe: one Fetcher serves a pool of threads."""

    def __init__(self, settings: Settings, pacer: HostPacer | None = None, *,
                 sleep: Callable[[float], None] | None = None, rng: random.Random | None = None,
                 archive: ExchangeRecorder | None = None, canonical: Callable[[str], str | None] | None = None) -> None:
        """``canonical``: the name a redirect target is requested and recorded by (the engine passes
        extractors.links.canonical_url, the form citations are stored in); by default as resolved."""
        self.settings = settings
        self._canonical = canonical
        self.archive = archive
        self.pacer = pacer or HostPacer(settings.per_host_concurrency, settings.per_host_delay)
        self.watchdog = Watchdog()
        self.timeouts = Timeouts(settings.connect_timeout, settings.read_timeout, settings.total_timeout)
        self.retry = RetryPolicy(settings.max_attempts, settings.backoff_base, settings.retry_after_cap,
                                 rng or random.Random())
        self.robots = RobotsCache(self._fetch_robots)
        self.agent = agent_token(settings.user_agent)
        self._aborted = threading.Event()
        self._sleep = sleep or self._aborted.wait  # a retry's pause ends at once when the run stops
        self._page = _Purpose(BodyRules(settings.max_bytes), settings.max_redirects, obeys_robots=True,
                              follows_refresh=True)
        self._robots_txt = _Purpose(BodyRules(min(ROBOTS_MAX_BYTES, settings.max_bytes), truncate=True, any_type=True),
                                    min(ROBOTS_MAX_REDIRECTS, settings.max_redirects), obeys_robots=False)
        # the web archive is an API, not a site we crawl: no robots.txt; paced, bounded and guarded as any host
        lookup = _Purpose(BodyRules(settings.max_bytes, any_type=True), settings.max_redirects, obeys_robots=False)
        snapshot = _Purpose(BodyRules(settings.max_bytes), settings.max_redirects, obeys_robots=False)
        self.web_archive = WebArchive(settings.wayback_url, lambda url: self._with_retries(url, None, lookup),
                                      lambda url: self._with_retries(url, None, snapshot)) if settings.wayback else None
        self.session = self._session(settings)

    @staticmethod
    def _session(settings: Settings) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxies or netrc from the environment: we talk to the target
        adapter = GuardedAdapter(AllowList.parse(settings.allow_hosts), pool_connections=64,
                                 pool_maxsize=max(8, settings.fetch_workers), max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers.update({
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        })
        return session

    def abort(self) -> None:
        """Stop now: requests in flight are cut, pacing and retry pauses end (the run is stopping;
        what these fetches return is not kept)."""
        self._aborted.set()
        self.pacer.woken.set()
        self.watchdog.expire_all()

    def close(self) -> None:
        """Close the connections; what was archived is flushed (the archive itself stays open: its owner closes it)."""
        self.session.close()
        self.watchdog.close()
        if self.archive is not None:
            self.archive.flush()

    def fetch(self, url: str, validators: Validators | None = None, cited_at: date | None = None,
              web_archive: bool = True) -> list[FetchResult]:
        """Every attempt made for ``url`` (the last one is the verdict), then, when it ends dead, the
        attempts at the web archive for a snapshot closest to ``cited_at`` (the citing seed's date).
        ``web_archive=False``: not the web archive (it answered for this URL before, or its article is stored)."""
        attempts = self._recorded(url, "live", lambda: self._with_retries(url, validators, self._page))
        if web_archive and is_dead(attempts[-1], self.settings.wayback_on):
            attempts += self.from_web_archive(url, cited_at)
        return attempts

    def from_web_archive(self, url: str, cited_at: date | None = None) -> list[FetchResult]:
        """The attempts at the web archive for a snapshot of ``url`` closest to ``cited_at``; none when
        the fallback is off. (``fetch`` calls it for a dead link; the engine for a page it finds is not
        the article, such as a bot challenge.)"""
        if self.web_archive is None:
            return []
        return self._recorded(url, "web_archive", lambda: self.web_archive.snapshot(url, cited_at))

    def probe_not_found(self, url: str, token: str) -> FetchResult:
        """What ``url``'s host answers for an address beside it that cannot exist (``fetch.probe``): its
        not-found answer, a 404 or, from a host that serves soft 404s, a page. One attempt (pages of
        the host wait for it), its hops checked as any page's: robots.txt, pacing, address guard;
        archived."""
        probe = probe_url(url, token)
        return self._recorded(probe, "live", lambda: [self._attempt(probe, None, self._page).result])[-1]

    def _recorded(self, url: str, via: str, work: Callable[[], list[FetchResult]]) -> list[FetchResult]:
        try:
            return work()
        except ArchiveUnavailable:  # the raw archive cannot be written: the run stops
            raise
        except Exception as exc:  # a bug in here must cost one URL, not the batch: record it
            log.warning("fetching %s failed unexpectedly: %s: %s", url, type(exc).__name__, exc)
            return [FetchResult(url=url, attempted_at=self.settings.clock(), outcome=Outcome.CONNECTION_ERROR,
                                via=via, error=f"unexpected {type(exc).__name__}: {exc}"[:500])]

    def _fetch_robots(self, robots_url: str) -> FetchResult:
        return self._with_retries(robots_url, None, self._robots_txt)[-1]

    def _with_retries(self, url: str, validators: Validators | None, purpose: _Purpose) -> list[FetchResult]:
        results: list[FetchResult] = []
        while True:
            attempt = self._attempt(url, validators, purpose)
            results.append(attempt.result)
            if attempt.final:
                return results
            decision = self.retry.decide(attempt.result, len(results), parse_retry_after(attempt.retry_after))
            if decision.pause is None:
                if decision.reason:
                    results[-1] = _with_note(results[-1], decision.reason)
                return results
            self._sleep(decision.pause)

    def _attempt(self, url: str, validators: Validators | None, purpose: _Purpose) -> _Attempt:
        """One attempt: the request and every redirect hop it leads to."""
        attempted_at, hops, current, seconds = self.settings.clock(), [], url, 0.0

        def ended(outcome: Outcome, error: str | None, answer: Exchange | None = None,
                  archived: ArchivedAt | None = None) -> _Attempt:
            result = _result(url, attempted_at, current, hops, seconds, outcome, error, answer, archived)
            return _Attempt(result, answer.retry_after if answer else None, final=answer is None or answer.final)

        for _hop in range(purpose.max_redirects + 1):
            host, problem = _http_host(current, first=not hops)
            if problem:
                return ended(Outcome.INVALID_URL, problem)
            rules = self.robots.rules_for(current) if purpose.obeys_robots else None
            refusal = self._robots_refusal(current, rules)
            if refusal:
                return ended(*refusal)
            answer, archived = self._exchange(host, current, validators, purpose, rules)
            seconds += answer.seconds
            target = answer.location if answer.outcome is None else self._page_redirect(answer, purpose)
            if target is None:
                return ended(answer.outcome, answer.error, answer, archived)
            try:
                following = self._target(current, target)
            except ValueError:
                return ended(Outcome.INVALID_URL, f"redirect to a malformed URL: {target!r}"[:300], answer, archived)
            if answer.outcome is not None and following == current:  # a page refreshing itself: a reload
                return ended(answer.outcome, answer.error, answer, archived)
            current = following
            hops.append(current)
        return ended(Outcome.REDIRECT_LOOP, f"more than {purpose.max_redirects} redirects")

    @staticmethod
    def _page_redirect(answer: Exchange, purpose: _Purpose) -> str | None:
        """Where a page sends the browser on by itself (meta refresh, one-line script), if it does."""
        if not (purpose.follows_refresh and answer.outcome == Outcome.OK and answer.body):
            return None
        return refresh_target(answer.body)

    def _target(self, current: str, target: str) -> str:
        """A redirect target, resolved against ``current`` and named canonically."""
        resolved = resolve_target(current, target)
        return (self._canonical(resolved) if self._canonical else None) or resolved

    def _robots_refusal(self, url: str, rules: RobotsRules | None) -> tuple[Outcome, str] | None:
        if rules is None:
            return None
        if rules.unreachable is not None:
            failed = rules.unreachable
            return failed.outcome, f"robots.txt: {failed.error or failed.outcome}; not requested"
        if not rules.allows(url, self.agent):
            return Outcome.ROBOTS_DISALLOWED, rules.note or f"{rules.robots_url} disallows it for {self.agent}"
        return None

    def _exchange(self, host: str, url: str, validators: Validators | None, purpose: _Purpose,
                  rules: RobotsRules | None) -> tuple[Exchange, ArchivedAt | None]:
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        with self.pacer.request(host, self._delay(rules)):
            if self._aborted.is_set():  # the run is stopping: nothing new is requested
                return Exchange(Outcome.CONNECTION_ERROR, error="not requested: the run is stopping", final=True), None
            fetched_at = self.settings.clock()
            answer = exchange(self.session, url, headers, self.timeouts, purpose.body, self.watchdog)
        return answer, self._archived(url, fetched_at, answer)

    def _archived(self, url: str, fetched_at: datetime, answer: Exchange) -> ArchivedAt | None:
        """The response (and its request) into the raw archive; None when no response arrived."""
        if self.archive is None or answer.status is None:
            return None
        truncated = answer.truncated
        if answer.body is None and truncated is None and _may_have_body(answer):
            truncated = "unspecified"  # a redirect's or an error's body is not read
        return self.archive.write_exchange(
            url=wire_url(url), fetched_at=fetched_at, status=answer.status, reason=answer.reason or "",
            response_headers=list(answer.headers), body=answer.body or b"",
            request_headers=list(answer.request_headers) or None, truncated=truncated)

    def _delay(self, rules: RobotsRules | None) -> float:
        """Seconds between request starts to this host: the setting, or robots.txt's Crawl-delay when larger."""
        crawl_delay = rules.crawl_delay(self.agent) if rules else None
        if crawl_delay is None:
            return self.settings.per_host_delay
        return max(self.settings.per_host_delay, min(crawl_delay, self.settings.max_crawl_delay))


def _http_host(url: str, first: bool) -> tuple[str, str | None]:
    """The host of an http(s) URL, or why it cannot be requested."""
    prefix = "" if first else "redirect to "
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        return "", f"{prefix}a malformed URL ({exc}): {url[:200]}"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "", f"{prefix}a URL that is not http(s): {url[:200]}"
    return parts.hostname.lower(), None


def _may_have_body(answer: Exchange) -> bool:
    if answer.status in (204, 304) or (answer.status or 0) < 200:
        return False
    return next((v.strip() for k, v in answer.headers if k.lower() == "content-length"), None) != "0"


def _result(url: str, attempted_at: datetime, final_url: str, hops: list[str], seconds: float,
            outcome: Outcome, error: str | None, answer: Exchange | None, archived: ArchivedAt | None) -> FetchResult:
    body = answer.body if answer is not None and outcome == Outcome.OK else None
    return FetchResult(
        url=url, attempted_at=attempted_at, outcome=outcome, final_url=final_url, redirects=tuple(hops),
        http_status=answer.status if answer else None, content_type=answer.content_type if answer else None,
        etag=answer.etag if answer else None, last_modified=answer.last_modified if answer else None,
        body=body, bytes=len(body) if body else 0, elapsed_ms=int(seconds * 1000), error=error,
        warc_file=archived.warc_file if archived else None, warc_offset=archived.offset if archived else None,
        payload_digest=archived.payload_digest if archived else None,
    )


def _with_note(result: FetchResult, note: str) -> FetchResult:
    return dataclasses.replace(result, error=f"{result.error}; {note}" if result.error else note)
