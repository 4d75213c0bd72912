"""Dead links: a snapshot from a web archive that speaks the Wayback Machine's CDX API.

The CDX server lists a URL's captures (``/cdx/search/cdx?url=...&output=json&filter=statuscode:200``);
the raw capture, the bytes as the archive received them (no banner, no rewritten links), is at
``/web/<timestamp>id_/<url>``. The capture chosen is the latest one on or before the citing seed's
date, else the earliest after it; with no date known, the latest. Every request goes through the
Fetcher (pacing, timeouts, size cap, address guard, retries); results come back as fetch attempts
with ``via = 'web_archive'``.
"""
from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Callable
from urllib.parse import urlencode

from core.records import FetchResult, Outcome

VIA = "web_archive"
_STAMP = re.compile(r"/web/(\d{4,14})id_/")

Download = Callable[[str], list[FetchResult]]  # every attempt for one URL, the last the verdict


@dataclass(frozen=True, slots=True)
class Capture:
    timestamp: str         # as the archive writes it: YYYYMMDDhhmmss, UTC
    original: str          # the URL as the archive captured it
    captured_at: datetime


def is_dead(result: FetchResult, rule: tuple[str, ...]) -> bool:
    """Whether a URL's last live attempt sends it to the web archive: its outcome, or its HTTP status, is listed."""
    if result.outcome.value in rule:
        return True
    return result.outcome == Outcome.HTTP_ERROR and str(result.http_status) in rule


def cdx_query_url(base: str, url: str) -> str:
    query = urlencode({"url": url, "output": "json", "filter": "statuscode:200",
                       "fl": "timestamp,original,statuscode,mimetype"})
    return f"{base.rstrip('/')}/cdx/search/cdx?{query}"


def raw_capture_url(base: str, capture: Capture) -> str:
    return f"{base.rstrip('/')}/web/{capture.timestamp}id_/{capture.original}"


def capture_time(timestamp: str) -> datetime | None:
    digits = timestamp.ljust(14, "0") if timestamp.isdigit() and 4 <= len(timestamp) <= 14 else ""
    try:
        return datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def parse_cdx(body: bytes) -> list[Capture]:
    """The captures of a CDX JSON answer (a header row of field names, then one row per capture).

    Raises ValueError when the body is not CDX JSON.
    """
    if not body.strip():
        return []
    rows = json.loads(body)
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ValueError("not a list of rows")
    if not rows:
        return []
    header, captures = rows[0], []
    if "timestamp" not in header or "original" not in header:
        raise ValueError(f"no timestamp/original fields in {header!r:.100}")
    at = {name: header.index(name) for name in ("timestamp", "original", "statuscode") if name in header}
    for row in rows[1:]:
        if len(row) != len(header) or ("statuscode" in at and str(row[at["statuscode"]]) != "200"):
            continue
        when = capture_time(str(row[at["timestamp"]]))
        if when is not None:
            captures.append(Capture(str(row[at["timestamp"]]), str(row[at["original"]]), when))
    return captures


def choose_capture(captures: list[Capture], cited_at: date | None) -> Capture | None:
    """The latest capture on or before ``cited_at``, else the earliest after it; the latest without a date."""
    if not captures:
        return None
    if cited_at is None:
        return max(captures, key=lambda c: c.captured_at)
    before = [c for c in captures if c.captured_at.date() <= cited_at]
    if before:
        return max(before, key=lambda c: c.captured_at)
    return min(captures, key=lambda c: c.captured_at)


class WebArchive:
    """Finds and fetches a dead URL's snapshot through two download functions of the Fetcher."""

    def __init__(self, base_url: str, lookup: Download, download: Download) -> None:
        self.base_url = base_url.rstrip("/")
        self._lookup, self._download = lookup, download

    def snapshot(self, url: str, cited_at: date | None) -> list[FetchResult]:
        """The attempts made for ``url`` at the archive: failed look-ups, 'not_archived', or the snapshot's."""
        query = cdx_query_url(self.base_url, url)
        looked = self._lookup(query)
        answer = looked[-1]
        if answer.outcome != Outcome.OK:
            return [_lookup_failure(attempt, url, query, attempt.error or attempt.outcome.value) for attempt in looked]
        try:
            capture = choose_capture(parse_cdx(answer.body or b""), cited_at)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            return [_lookup_failure(answer, url, query, f"not CDX JSON ({exc})"[:300], Outcome.CONNECTION_ERROR)]
        if capture is None:
            return [dataclasses.replace(_lookup_failure(answer, url, query, "", Outcome.NOT_ARCHIVED),
                                        error="the web archive holds no capture of this URL with status 200")]
        attempts = self._download(raw_capture_url(self.base_url, capture))
        return [_snapshot_result(attempt, url, capture) for attempt in attempts]


def _lookup_failure(attempt: FetchResult, url: str, query: str, why: str,
                    outcome: Outcome | None = None) -> FetchResult:
    return dataclasses.replace(
        attempt, url=url, outcome=outcome or attempt.outcome, body=None, bytes=0, etag=None, last_modified=None,
        via=VIA, archive_url=query, error=f"web archive lookup: {why}"[:500])


def _snapshot_result(attempt: FetchResult, url: str, capture: Capture) -> FetchResult:
    archive_url = attempt.final_url or attempt.url
    stamp = _STAMP.search(archive_url)  # the archive may redirect to the nearest capture it holds
    snapshot_at = (capture_time(stamp.group(1)) if stamp else None) or capture.captured_at
    return dataclasses.replace(
        attempt, url=url, final_url=capture.original, via=VIA, snapshot_at=snapshot_at, archive_url=archive_url,
        etag=None, last_modified=None,  # the archive's validators are not the outlet's
        error=f"web archive: {attempt.error}" if attempt.error else None)
