"""Typed records that flow between the pipeline's stages."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class Outcome(StrEnum):
    """The closed vocabulary of a fetch attempt's outcome (``fetches.outcome``)."""

    OK = "ok"                                # fetched and extracted an article
    NOT_MODIFIED = "not_modified"            # 304 to a conditional GET: the stored article stays current
    HTTP_ERROR = "http_error"                # the server answered 4xx/5xx (see http_status)
    TIMEOUT = "timeout"                      # connect, read or total deadline passed
    CONNECTION_ERROR = "connection_error"    # refused, reset, truncated or undecodable body ('undecodable body: ...')
    DNS_ERROR = "dns_error"                  # the host name does not resolve
    TLS_ERROR = "tls_error"                  # TLS handshake or certificate failure
    TOO_LARGE = "too_large"                  # body over MEDIAMON_MAX_BYTES after decompression
    NOT_HTML = "not_html"                    # PDF, image, ...: not extracted
    ROBOTS_DISALLOWED = "robots_disallowed"  # robots.txt forbids it: never requested
    BLOCKED_ADDRESS = "blocked_address"      # loopback/private/link-local/... address refused
    REDIRECT_LOOP = "redirect_loop"          # more redirects than MEDIAMON_MAX_REDIRECTS
    INVALID_URL = "invalid_url"              # not an http(s) URL we can request
    EMPTY_EXTRACTION = "empty_extraction"    # fetched HTML, but no article text in it
    NOT_ARCHIVED = "not_archived"            # dead link, and the web archive holds no capture of it
    TRUNCATED = "truncated"                  # a WARC/ARC record holds only part of the response (the file is cut
                                             # short or damaged there, or the crawler truncated it): not analysed
    # Not an article: an HTML page came back, but not the one cited (bytes archived; `error` gives the evidence)
    BOT_CHALLENGE = "bot_challenge"          # bot protection's interstitial (challenge, captcha, "enable JavaScript")
    CONSENT_WALL = "consent_wall"            # a cookie/privacy consent page served in place of the article
    SOFT_404 = "soft_404"                    # a "not found" page served with a success status


NOT_AN_ARTICLE = frozenset({Outcome.BOT_CHALLENGE, Outcome.CONSENT_WALL, Outcome.SOFT_404})


@dataclass(frozen=True, slots=True)
class ArchivedAt:
    """Where the raw archive stored a response record."""

    warc_file: str       # file name inside the archive folder
    offset: int          # byte offset of the response record
    payload_digest: str  # WARC-Payload-Digest of the stored body (sha1, base32)


@dataclass(frozen=True, slots=True)
class Citation:
    """A link cited by a seed, in the seed's order (``position`` from 1)."""

    position: int
    url_as_cited: str
    url: str | None  # canonical form; None when the cited text is not a usable URL


@dataclass(frozen=True, slots=True)
class Seed:
    seed_id: str
    source_path: str
    title: str
    text: str
    content_sha256: str
    citations: tuple[Citation, ...]
    published_at: date | None = None  # the date the seed's text states (extractors.seed_date), if any


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional GET sends back: the stored ETag and Last-Modified of a URL."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One fetch attempt: what was asked, what came back, and how it ended."""

    url: str
    attempted_at: datetime
    outcome: Outcome
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[str, ...] = ()
    content_type: str | None = None
    body: bytes | None = None
    bytes: int = 0
    elapsed_ms: int = 0
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    via: str = "live"                    # where the bytes came from: live, web_archive, warc
    # where the final response lies in a WARC file (archive.writer), and its WARC-Payload-Digest
    warc_file: str | None = None         # a name inside MEDIAMON_ARCHIVE_DIR, or the path of an outside WARC
    warc_offset: int | None = None
    payload_digest: str | None = None
    snapshot_at: datetime | None = None  # via web_archive: when the archive captured the page
    archive_url: str | None = None       # via web_archive: the archive URL the bytes were read from
    fetch_id: str | None = None          # a replay (reprocess) of this stored fetch: no new fetches row


@dataclass(frozen=True, slots=True)
class Article:
    """What the extractor found in a page."""

    text: str
    title: str | None
    author: str | None
    published_at: str | None  # ISO date as the page states it
    sitename: str | None
    extractor: str            # name and version, e.g. "trafilatura 2.3.1"


@dataclass(frozen=True, slots=True)
class Language:
    code: str     # ISO 639-1, or "und" when undetermined
    score: float  # the deciding detector's probability for ``code`` (see extractors.language_rule)
    method: str   # which rule decided: agree, langid, declared, too_short, mixed, disputed
    # each opinion as given, so an analyst can audit a label (None: that detector was not run)
    langdetect_code: str | None = None
    langdetect_score: float | None = None
    langid_code: str | None = None    # py3langid, the second opinion
    langid_score: float | None = None
    declared: str | None = None       # the page's own claim: <html lang>, content-language, og:locale


@dataclass(frozen=True, slots=True)
class Anchor:
    """Something a translation keeps: a name, acronym, number or date, by a language-independent key."""

    key: str      # kind prefix + normal form: 'n:' name skeleton, 'a:' acronym, '#:' number, 'y:' year, 'd:' MM-DD
    surface: str  # how the text first wrote it


@dataclass(frozen=True, slots=True)
class Fingerprint:
    normalized_sha256: str         # exact-duplicate key: hash of whitespace/case/punctuation-folded text
    minhash: bytes                 # MinHash signature (uint32 little-endian values)
    band_keys: tuple[int, ...]     # LSH bucket key per band (signed 64-bit)
    shingle_count: int
    anchors: tuple[Anchor, ...] = ()  # cross-lingual anchors (extractors.crosslingual)


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched URL after extraction: what a batch hands to the warehouse."""

    fetch: FetchResult
    article: Article | None = None
    language: Language | None = None
    fingerprint: Fingerprint | None = None
    content_sha256: str | None = None
