"""A response record of a WARC or ARC file made elsewhere, as a fetch attempt (``via = 'warc'``).

The record is judged by the rules a live fetch is judged by: a bot-protection challenge header
``bot_challenge``, an error status ``http_error``, a non-HTML body ``not_html``, a body over
``MEDIAMON_MAX_BYTES`` ``too_large``, a body that cannot be decoded ``connection_error``, otherwise
``ok`` (and analysis decides between an article, ``empty_extraction`` and a page that is not an
article). A response the file holds only part of (cut short by damage, or truncated by the crawler:
``WARC-Truncated``) is ``truncated`` unless its status is an error, and never analysed. Records that are not a page
(1xx, redirects, 304) are skipped: a crawler's redirect target is a record of its own.

A record whose capture date cannot be read is dated by its HTTP ``Date`` header, else by the file
(its warcinfo record's date, else its modification time), and the fetch's ``error`` says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from archive.dates import http_date
from archive.reader import WarcResponse
from core.records import FetchResult, Outcome
from extractors.links import canonical_url
from fetch.exchange import challenge_header, is_html, looks_binary

VIA = "warc"


@dataclass(frozen=True, slots=True)
class FileDate:
    """The date a file gives its undated records, and where it comes from."""

    moment: datetime
    source: str  # 'its warcinfo record' or 'its modification time'


@dataclass(frozen=True, slots=True)
class CaptureTime:
    moment: datetime
    note: str | None = None  # how the record was dated when its own date could not be read


def capture_time(record: WarcResponse, file_date: FileDate) -> CaptureTime:
    """When the record was captured: its own date, else its HTTP Date header, else the file's date."""
    if record.captured_at is not None:
        return CaptureTime(record.captured_at)
    unreadable = f"capture date {record.date_text[:60]!r} unreadable" if record.date_text else "no capture date"
    served = http_date(record.header("Date"))
    if served is not None:
        return CaptureTime(served, f"{unreadable}: dated by its HTTP Date header")
    return CaptureTime(file_date.moment, f"{unreadable}: dated by the file ({file_date.source})")


def captured_within(moment: datetime, since: date | None, until: date | None) -> bool:
    """Whether the capture date (UTC) lies in [since, until], each bound optional."""
    day = moment.date()
    return (since is None or day >= since) and (until is None or day <= until)


def is_page(record: WarcResponse) -> bool:
    """Whether the record is a page's capture: not 1xx, a redirect or a 304 (a response cut short before
    its status line is one: it is recorded as truncated)."""
    status = record.status
    if status == 0:
        return record.truncated is not None
    return not (status < 200 or status == 304 or (300 <= status < 400 and record.header("Location")))


def warc_fetch(record: WarcResponse, source: Path, max_bytes: int, when: CaptureTime) -> FetchResult:
    """The record as a fetch attempt of its canonical URL, pointing at ``source`` and the record's offset."""
    target = record.url.strip().strip("<>")
    url = canonical_url(target) if target else None
    content_type = record.header("Content-Type")
    status, body = record.status, record.body

    def attempt(outcome: Outcome, error: str | None = None, kept: bytes | None = None, size: int = 0) -> FetchResult:
        error = "; ".join(part for part in (error, when.note) if part) or None
        return FetchResult(
            url=url or target, attempted_at=when.moment, outcome=outcome, http_status=status or None,
            final_url=target, content_type=content_type, body=kept, bytes=len(kept) if kept else size,
            error=error, etag=record.header("ETag"), last_modified=record.header("Last-Modified"), via=VIA,
            warc_file=str(source), warc_offset=record.offset, payload_digest=record.payload_digest)

    if url is None:
        return attempt(Outcome.INVALID_URL, f"WARC-Target-URI is not an http(s) URL: {target[:200]!r}")
    challenge = challenge_header(record.headers)
    if challenge:
        return attempt(Outcome.BOT_CHALLENGE, f"HTTP {status}, {challenge}")
    if status >= 300:
        return attempt(Outcome.HTTP_ERROR, f"HTTP {status}")
    if record.truncated:
        return attempt(Outcome.TRUNCATED, record.truncated[:1000], size=len(body))
    if not is_html(content_type):
        return attempt(Outcome.NOT_HTML, f"content type {content_type}")
    if record.body_cut or len(body) > max_bytes:
        return attempt(Outcome.TOO_LARGE, f"body over {max_bytes} bytes")
    if record.undecodable:
        return attempt(Outcome.CONNECTION_ERROR, f"undecodable body: {record.undecodable}")
    if not content_type and looks_binary(body):
        return attempt(Outcome.NOT_HTML, "no content type, and the body is binary")
    return attempt(Outcome.OK, kept=body)
