"""One polite, bounded HTTP fetch: bytes in, a FetchResult out, never an exception."""
from __future__ import annotations

import socket
import time
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from flows.http.guard import AllowList, DnsFailure, check_target
from flows.http.pacing import HostPacer
from mediamon.records import FetchResult, Outcome, Validators
from mediamon.settings import Settings

HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class _Failure(Exception):
    """Ends an attempt early with an outcome (internal to this module)."""

    def __init__(self, outcome: Outcome, error: str, status: int | None = None) -> None:
        super().__init__(error)
        self.outcome, self.error, self.status = outcome, error, status


def is_html(content_type: str | None) -> bool:
    """HTML and XHTML are extracted; a missing Content-Type is given the benefit of the doubt."""
    if not content_type:
        return True
    return content_type.split(";")[0].strip().lower() in HTML_TYPES


def _classify(exc: BaseException) -> tuple[Outcome, str]:
    """Map a requests/urllib3/socket exception to an outcome."""
    chain, seen = [], exc
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__ or (seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None)
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


class Fetcher:
    """Fetches URLs with the settings' timeouts, size cap, address guard and per-host pacing.

    Thread-safe: one Fetcher serves a pool of worker threads.
    """

    def __init__(self, settings: Settings, pacer: HostPacer | None = None) -> None:
        self.settings = settings
        self.allow = AllowList.parse(settings.allow_hosts)
        self.pacer = pacer or HostPacer(settings.per_host_concurrency, settings.per_host_delay)
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies or netrc from the environment: we talk to the target
        adapter = HTTPAdapter(pool_connections=64, pool_maxsize=max(8, settings.fetch_workers), max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        })

    def close(self) -> None:
        self.session.close()

    def fetch(self, url: str, validators: Validators | None = None) -> list[FetchResult]:
        """Every attempt made for ``url`` (the last one is the verdict)."""
        return [self._attempt(url, validators)]

    def _attempt(self, url: str, validators: Validators | None) -> FetchResult:
        attempted_at = datetime.now(timezone.utc)
        started = time.monotonic()
        redirects: list[str] = []
        current = url
        fields: dict = {}
        try:
            for _hop in range(self.settings.max_redirects + 1):
                response = self._request(current, validators if not redirects else None)
                with response:
                    fields = self._headers_of(response)
                    location = response.headers.get("Location")
                    if response.status_code in REDIRECT_STATUSES and location:
                        current = urljoin(current, location)
                        redirects.append(current)
                        continue
                    outcome, body = self._read(response, started)
                return self._result(url, attempted_at, started, outcome, current, redirects,
                                    body=body, **fields)
            raise _Failure(Outcome.REDIRECT_LOOP,
                           f"more than {self.settings.max_redirects} redirects", fields.get("http_status"))
        except _Failure as failure:
            return self._result(url, attempted_at, started, failure.outcome, current, redirects,
                                error=failure.error, http_status=failure.status or fields.get("http_status"))
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            outcome, message = _classify(exc)
            return self._result(url, attempted_at, started, outcome, current, redirects,
                                error=message, http_status=fields.get("http_status"))

    def _request(self, url: str, validators: Validators | None) -> requests.Response:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise _Failure(Outcome.INVALID_URL, f"not an http(s) URL: {url[:200]}")
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
            refusal = check_target(parts.hostname, port, self.allow)
        except DnsFailure as exc:
            raise _Failure(Outcome.DNS_ERROR, f"{parts.hostname}: {exc}") from None
        if refusal:
            raise _Failure(Outcome.BLOCKED_ADDRESS, refusal)
        headers = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        with self.pacer.request(parts.hostname.lower()):
            return self.session.get(
                url, headers=headers, stream=True, allow_redirects=False,
                timeout=(self.settings.connect_timeout, self.settings.read_timeout),
            )

    @staticmethod
    def _headers_of(response: requests.Response) -> dict:
        return {
            "http_status": response.status_code,
            "content_type": response.headers.get("Content-Type"),
            "etag": response.headers.get("ETag"),
            "last_modified": response.headers.get("Last-Modified"),
        }

    def _read(self, response: requests.Response, started: float) -> tuple[Outcome, bytes | None]:
        status = response.status_code
        if status == 304:
            return Outcome.NOT_MODIFIED, None
        if status >= 400:
            raise _Failure(Outcome.HTTP_ERROR, f"HTTP {status}", status)
        if not is_html(response.headers.get("Content-Type")):
            raise _Failure(Outcome.NOT_HTML, f"content type {response.headers.get('Content-Type')}", status)
        return Outcome.OK, self._read_body(response, started)

    def _read_body(self, response: requests.Response, started: float) -> bytes:
        """The decoded body, bounded in size and in total time however slowly it arrives."""
        deadline = started + self.settings.total_timeout
        limit = self.settings.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and "Content-Encoding" not in response.headers and int(declared) > limit:
            raise _Failure(Outcome.TOO_LARGE, f"Content-Length {declared} over {limit} bytes", response.status_code)
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise _Failure(Outcome.TIMEOUT, f"body not complete within {self.settings.total_timeout:g}s",
                               response.status_code)
            chunk = response.raw.read1(_CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise _Failure(Outcome.TOO_LARGE, f"body over {limit} bytes", response.status_code)
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _result(url, attempted_at, started, outcome, final_url, redirects, *, body=None, error=None,
                http_status=None, content_type=None, etag=None, last_modified=None) -> FetchResult:
        return FetchResult(
            url=url, attempted_at=attempted_at, outcome=outcome, http_status=http_status,
            final_url=final_url, redirects=tuple(redirects), content_type=content_type,
            body=body, bytes=len(body) if body else 0,
            elapsed_ms=int((time.monotonic() - started) * 1000), error=error,
            etag=etag, last_modified=last_modified,
        )
