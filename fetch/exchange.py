"""One request and its response, bounded in time and size, ended as an :class:`Exchange` value.

Nothing here raises for network or bad-input reasons: refusals, faults and odd answers all come
back as an outcome with the error text.
"""
from __future__ import annotations

import http.client
import logging
import socket
import time
from dataclasses import dataclass

import requests
import urllib3
from requests.structures import CaseInsensitiveDict

from fetch.deadline import ResponseClock, Watchdog
from fetch.guard import BlockedAddress
from fetch.location import decode_location
from core.records import Outcome

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"RIFF", b"\x1f\x8b")
_CHUNK = 64 * 1024
_CUT = {Outcome.TOO_LARGE: "length", Outcome.TIMEOUT: "time"}  # WARC-Truncated of a body cut short
_NETWORK_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException,
                   OSError, ValueError)
UNDECODABLE = "undecodable body"  # how the error of a body that cannot be decoded begins
# compressions a server may apply that this client does not decode (it asks for gzip and deflate only)
_FOREIGN_CODINGS = frozenset({"br", "zstd", "compress", "x-compress", "dcb", "dcz"})
# response headers by which bot protection says "this is a challenge, not the page": name -> values
CHALLENGE_HEADERS = {"cf-mitigated": ("challenge",), "x-amzn-waf-action": ("challenge", "captcha")}


@dataclass(frozen=True, slots=True)
class Timeouts:
    connect: float
    read: float    # per socket read
    total: float   # one whole response, however slowly it arrives


@dataclass(frozen=True, slots=True)
class BodyRules:
    max_bytes: int
    truncate: bool = False   # keep the first max_bytes instead of failing (robots.txt)
    any_type: bool = False   # read whatever the content type (robots.txt)


@dataclass(frozen=True, slots=True)
class Exchange:
    """How one request ended: an outcome, or a redirect (``outcome`` None) to ``location``."""

    outcome: Outcome | None
    status: int | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None  # a redirect's target as a browser reads the header (fetch.location)
    retry_after: str | None = None
    body: bytes | None = None
    error: str | None = None
    seconds: float = 0.0
    # what the raw archive keeps of the exchange (empty when no response arrived)
    reason: str | None = None
    headers: tuple[tuple[str, str], ...] = ()          # the response's, as received
    request_headers: tuple[tuple[str, str], ...] = ()  # what was sent
    truncated: str | None = None  # the body was cut: 'length' (size cap), 'time' (deadline), 'disconnect'
    final: bool = False  # asking again cannot help: the whole body came and cannot be decoded


class _QuietHeaderDefects(logging.Filter):
    """urllib3 logs a warning with a traceback for malformed response headers; here they are data
    (the exchange records its outcome), so the console is spared."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to parse headers")


logging.getLogger("urllib3.connection").addFilter(_QuietHeaderDefects())


class _Failure(Exception):
    def __init__(self, outcome: Outcome, error: str, final: bool = False) -> None:
        super().__init__(error)
        self.outcome, self.error, self.final = outcome, error, final


def is_html(content_type: str | None) -> bool:
    """HTML and XHTML are extracted; a missing Content-Type is given the benefit of the doubt."""
    if not content_type:
        return True
    return content_type.split(";")[0].strip().lower() in HTML_TYPES


def looks_binary(body: bytes) -> bool:
    return body.lstrip()[:8].startswith(BINARY_SIGNATURES)


def classify(exc: BaseException) -> tuple[Outcome, str]:
    """Map a requests/urllib3/socket exception (and whatever it wraps) to an outcome."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        wrapped = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        reason = getattr(seen, "reason", None)  # urllib3's MaxRetryError; ssl.SSLError's is a string
        seen = seen.__cause__ or seen.__context__ or wrapped or (reason if isinstance(reason, BaseException) else None)
    message = f"{type(exc).__name__}: {exc}"[:500]

    def found(*types: type) -> bool:
        return any(isinstance(e, types) for e in chain)

    if found(urllib3.exceptions.NameResolutionError, socket.gaierror):
        return Outcome.DNS_ERROR, message
    if found(requests.exceptions.SSLError, urllib3.exceptions.SSLError):
        return Outcome.TLS_ERROR, message
    # urllib3's NewConnectionError (refused, unreachable) subclasses its timeout error: test it first
    if found(urllib3.exceptions.NewConnectionError, ConnectionRefusedError, ConnectionResetError):
        return Outcome.CONNECTION_ERROR, message
    if found(requests.Timeout, urllib3.exceptions.TimeoutError, socket.timeout):
        return Outcome.TIMEOUT, message
    if found(requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema,
             requests.exceptions.MissingSchema, urllib3.exceptions.LocationParseError):
        return Outcome.INVALID_URL, message
    return Outcome.CONNECTION_ERROR, message


def exchange(session: requests.Session, url: str, headers: dict[str, str], timeouts: Timeouts,
             rules: BodyRules, watchdog: Watchdog) -> Exchange:
    """GET ``url`` once (no redirects followed) and read the answer within the bounds."""
    started = time.monotonic()
    seen: dict = {}
    with watchdog.armed(timeouts.total) as clock:
        try:
            response = _send(session, url, headers, timeouts)
            with response:
                seen = _headers_of(response)
                answer = _answer(response, rules, clock, seen)
            if clock.expired:  # the watchdog cut a body that had no declared length
                raise _Failure(Outcome.TIMEOUT, _overtime(timeouts))
            return Exchange(**answer, **seen, seconds=time.monotonic() - started)
        except _Failure as failure:
            outcome, error, final = failure.outcome, failure.error, failure.final
        except BlockedAddress as refusal:
            outcome, error, final = Outcome.BLOCKED_ADDRESS, str(refusal), False
        except _NETWORK_ERRORS as exc:
            outcome, error = (Outcome.TIMEOUT, _overtime(timeouts)) if clock.expired else classify(exc)
            final = False
    cut = None if not seen else "unspecified" if final else _CUT.get(outcome, "disconnect")
    return Exchange(outcome, **seen, error=error, seconds=time.monotonic() - started, truncated=cut, final=final)


def _send(session: requests.Session, url: str, headers: dict[str, str], timeouts: Timeouts) -> requests.Response:
    """GET through the session's adapter directly: ``Session.send`` parses a redirect's Location
    even when not following it, and a malformed one would cost us the response."""
    prepared = _prepared(session, url, headers)
    adapter = session.get_adapter(prepared.url or url)
    response = adapter.send(prepared, stream=True, timeout=(timeouts.connect, timeouts.read),
                            verify=session.verify, cert=session.cert)
    requests.cookies.extract_cookies_to_jar(session.cookies, prepared, response.raw)
    return response


def _prepared(session: requests.Session, url: str, headers: dict[str, str]) -> requests.PreparedRequest:
    """The GET ``Session.prepare_request`` would build here (the session's headers, then ``headers``;
    the session's cookies), without its general merging of params, auth and hooks we never set:
    that merging checks every setting against typing protocols and copies the cookie jar:
    0.03-0.14 ms a request, up to a tenth of a conditional GET answered 304 (benchmarks.fetch_cost)."""
    merged = CaseInsensitiveDict(session.headers)
    merged.update(headers)
    prepared = requests.PreparedRequest()
    prepared.prepare(method="GET", url=url, headers=merged, cookies=session.cookies)
    return prepared


def _overtime(timeouts: Timeouts) -> str:
    return f"no complete response within the total deadline of {timeouts.total:g}s"


def _headers_of(response: requests.Response) -> dict:
    return {
        "status": response.status_code,
        "content_type": response.headers.get("Content-Type"),
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "retry_after": response.headers.get("Retry-After"),
        "reason": response.reason,
        "headers": tuple(response.raw.headers.items()),
        "request_headers": tuple(response.request.headers.items()) if response.request is not None else (),
    }


def _answer(response: requests.Response, rules: BodyRules, clock: ResponseClock, seen: dict) -> dict:
    """The outcome fields of a response: redirect, status verdict, or the body read within bounds."""
    status = response.status_code
    location = response.headers.get("Location")
    if status in REDIRECT_STATUSES and location and location.strip():
        return {"outcome": None, "location": decode_location(location)}
    if status == 304:
        _keep_alive(response, clock)
        return {"outcome": Outcome.NOT_MODIFIED}
    challenge = None if rules.any_type else challenge_header(seen["headers"])  # robots.txt, the archive's API: data
    if status >= 300:
        if challenge:
            return {"outcome": Outcome.BOT_CHALLENGE, "error": f"HTTP {status}, {challenge}"}
        return {"outcome": Outcome.HTTP_ERROR, "error": f"HTTP {status}"}
    content_type = seen["content_type"]
    if not rules.any_type and not is_html(content_type):
        return {"outcome": Outcome.NOT_HTML, "error": f"content type {content_type}"}
    foreign = foreign_coding(response.headers.get("Content-Encoding"))
    if foreign:
        raise _Failure(Outcome.CONNECTION_ERROR, f"{UNDECODABLE}: Content-Encoding {foreign}, which this client "
                                                 "neither asked for nor decodes (it asks for gzip, deflate)", final=True)
    body = _read_body(response, rules, clock)
    if not rules.any_type and not content_type and looks_binary(body):
        return {"outcome": Outcome.NOT_HTML, "error": "no content type, and the body is binary"}
    if not rules.any_type and body.startswith(b"\x1f\x8b") and "gzip" in response.headers.get("Content-Encoding", ""):
        raise _Failure(Outcome.CONNECTION_ERROR, f"{UNDECODABLE}: still gzip once decoded as its Content-Encoding "
                                                 "says (compressed twice, declared once)", final=True)
    cut = "length" if rules.truncate and len(body) >= rules.max_bytes else None
    if challenge:
        return {"outcome": Outcome.BOT_CHALLENGE, "body": body, "error": challenge}
    return {"outcome": Outcome.OK, "body": body, "truncated": cut}


def challenge_header(headers: tuple[tuple[str, str], ...]) -> str | None:
    """The header by which bot protection marks a challenge instead of the page (``cf-mitigated:
    challenge``, AWS WAF's ``x-amzn-waf-action: captcha``), as ``name: value``; None without one."""
    for name, value in headers:
        values = CHALLENGE_HEADERS.get(name.lower())
        if values and value.strip().lower() in values:
            return f"{name.lower()}: {value.strip()}"
    return None


def foreign_coding(content_encoding: str | None) -> str | None:
    """The first coding of a Content-Encoding header this client cannot decode (br, zstd, ...), if any.
    Tokens that name no compression (``identity``, or a charset put there by mistake) are ignored, as
    browsers ignore them."""
    for coding in (content_encoding or "").lower().split(","):
        if coding.strip() in _FOREIGN_CODINGS and coding.strip() not in urllib3.HTTPResponse.CONTENT_DECODERS:
            return coding.strip()
    return None


def _undecodable(response: requests.Response, exc: urllib3.exceptions.DecodeError) -> str:
    """The error of a body that is not what its Content-Encoding says, with zlib's own complaint."""
    coding = response.headers.get("Content-Encoding", "").strip()
    cause = exc.args[1] if len(exc.args) > 1 else exc.__cause__ or exc
    return f"{UNDECODABLE}: not valid {coding} data, as its Content-Encoding says ({cause})"[:500]


def _keep_alive(response: requests.Response, clock: ResponseClock) -> None:
    """Hand the connection back to the pool for the host's next request: the answer was read to its
    end. (Leaving the ``with response`` block otherwise closes it: the body was streamed, not
    consumed by requests.) The clock is disarmed first, so the watchdog can never cut a socket that
    is back in the pool; a connection the watchdog or a limit cut is never reused."""
    if clock.disarm():
        response.raw.release_conn()


def _read_body(response: requests.Response, rules: BodyRules, clock: ResponseClock) -> bytes:
    """The decoded body, bounded in size while streaming (so a gzip bomb never fills memory)."""
    limit = rules.max_bytes
    declared = response.headers.get("Content-Length", "")
    if (not rules.truncate and declared.isdigit() and "Content-Encoding" not in response.headers
            and int(declared) > limit):
        raise _Failure(Outcome.TOO_LARGE, f"Content-Length {declared} is over {limit} bytes")
    chunks, size = [], 0
    while True:
        if clock.remaining() <= 0:
            raise _Failure(Outcome.TIMEOUT, "body not complete within the total deadline")
        try:
            chunk = response.raw.read1(_CHUNK, decode_content=True)
        except urllib3.exceptions.DecodeError as exc:
            raise _Failure(Outcome.CONNECTION_ERROR, _undecodable(response, exc), final=True) from None
        if not chunk:
            _keep_alive(response, clock)
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            if rules.truncate:
                chunks.append(chunk[: len(chunk) - (size - limit)])
                return b"".join(chunks)
            raise _Failure(Outcome.TOO_LARGE, f"body over {limit} bytes once decoded")
        chunks.append(chunk)
