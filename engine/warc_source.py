"""A response record of a WARC file made elsewhere, as a fetch attempt (``via = 'warc'``).

The record is judged by the rules a live fetch is judged by: a bot-protection challenge header
``bot_challenge``, an error status ``http_error``, a non-HTML body ``not_html``, a body over
``MEDIAMON_MAX_BYTES`` ``too_large``, otherwise ``ok`` (and analysis decides between an article,
``empty_extraction`` and a page that is not an article). Records that are not a page
(1xx, redirects, 304) are skipped: a crawler's redirect target is a record of its own.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from extractors.links import canonical_url
from fetch.exchange import challenge_header, is_html, looks_binary
from core.records import FetchResult, Outcome
from archive.reader import WarcResponse

VIA = "warc"


def captured_within(record: WarcResponse, since: date | None, until: date | None) -> bool:
    """Whether the capture date (UTC) lies in [since, until], each bound optional."""
    day = record.captured_at.date()
    return (since is None or day >= since) and (until is None or day <= until)


def is_page(record: WarcResponse) -> bool:
    status = record.status
    return not (status < 200 or status == 304 or (300 <= status < 400 and record.header("Location")))


def warc_fetch(record: WarcResponse, source: Path, max_bytes: int) -> FetchResult:
    """The record as a fetch attempt of its canonical URL, pointing at ``source`` and the record's offset."""
    target = record.url.strip().strip("<>")
    url = canonical_url(target)
    content_type = record.header("Content-Type")
    status, body = record.status, record.body

    def attempt(outcome: Outcome, error: str | None = None, kept: bytes | None = None) -> FetchResult:
        return FetchResult(
            url=url or target, attempted_at=record.captured_at, outcome=outcome, http_status=status,
            final_url=target, content_type=content_type, body=kept, bytes=len(kept) if kept else 0, error=error,
            etag=record.header("ETag"), last_modified=record.header("Last-Modified"), via=VIA,
            warc_file=str(source), warc_offset=record.offset, payload_digest=record.payload_digest)

    if url is None:
        return attempt(Outcome.INVALID_URL, f"WARC-Target-URI is not an http(s) URL: {target[:200]}")
    challenge = challenge_header(record.headers)
    if challenge:
        return attempt(Outcome.BOT_CHALLENGE, f"HTTP {status}, {challenge}")
    if status >= 300:
        return attempt(Outcome.HTTP_ERROR, f"HTTP {status}")
    if not is_html(content_type):
        return attempt(Outcome.NOT_HTML, f"content type {content_type}")
    if len(body) > max_bytes:
        return attempt(Outcome.TOO_LARGE, f"body over {max_bytes} bytes")
    if not content_type and looks_binary(body):
        return attempt(Outcome.NOT_HTML, "no content type, and the body is binary")
    return attempt(Outcome.OK, kept=body)
