"""The raw-response archive: every HTTP exchange as WARC records (warcio), rotated by size.

The writer appends a request record and a response record per exchange to the current
``.warc.gz`` file and says where the response landed (file, offset, payload digest), so the
warehouse can point each fetch at its bytes. Bodies are stored decoded (as the pipeline saw
them): ``Content-Encoding``/``Transfer-Encoding`` are dropped from the stored headers and
``Content-Length`` is the stored length; the original encoding is kept as
``X-Mediamon-Original-Content-Encoding``. A response whose body was not read in full (a redirect,
an error status, a body over the size cap) is stored with what was read and ``WARC-Truncated``.
Each file opens with a ``warcinfo`` record naming the software.
"""
from __future__ import annotations

import io
import os
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from isal import isal_zlib
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from core import __version__
from core.errors import ArchiveUnavailable
from core.records import ArchivedAt

_HOP_BY_HOP = {"content-encoding", "transfer-encoding", "content-length", "connection", "keep-alive"}


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def stored_response_headers(headers: list[tuple[str, str]], body_length: int) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
    kept += [("X-Mediamon-Original-Content-Encoding", v) for k, v in headers if k.lower() == "content-encoding"]
    kept.append(("Content-Length", str(body_length)))
    return kept


_RECORD_BUILDER = WARCWriter(io.BytesIO(), gzip=False)  # builds records (headers, digests); writes nothing
_BUFFER_BYTES = 1 << 20  # records reach the disk in large writes (and at every flush)
# ISA-L's deflate (isal) at its level 2: 0.27 ms for a 170 KB page against 1.4 ms for zlib at level 3,
# for 3 % more bytes; the output is ordinary gzip, which any WARC reader opens (README "Measured")
_GZIP_LEVEL = 2


def _gzip_member(record) -> bytes:
    """One WARC record, serialised and compressed as its own gzip member."""
    raw = io.BytesIO()
    WARCWriter(raw, gzip=False).write_record(record)
    compressor = isal_zlib.compressobj(_GZIP_LEVEL, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS + 16)
    return compressor.compress(raw.getvalue()) + compressor.flush()


class WarcArchive:
    """Appends exchanges to ``<folder>/<prefix>-<start>-<pid>-<tag>-<n>.warc.gz``; a new file past ``max_file_bytes``.

    Thread-safe. Each archive instance starts its own files, so a crashed writer never leaves a
    file that a later run appends to.
    """

    def __init__(self, folder: Path, max_file_bytes: int = 1 << 30, prefix: str = "mediamon") -> None:
        self.folder = Path(folder)
        self.max_file_bytes = max_file_bytes
        self._stem = f"{prefix}-{datetime.now(timezone.utc):%Y%m%d%H%M%S}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._sequence = 0
        self._handle = None
        self._lock = threading.Lock()

    def _current(self):
        if self._handle is not None and self._handle.tell() >= self.max_file_bytes:
            self._handle.close()
            self._handle = None
        if self._handle is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._sequence += 1
            path = self.folder / f"{self._stem}-{self._sequence:05d}.warc.gz"
            self._handle = path.open("xb", buffering=_BUFFER_BYTES)  # never appended to: a file is one writer's
            writer = WARCWriter(self._handle, gzip=True)
            writer.write_record(writer.create_warcinfo_record(path.name, {
                "software": f"mediamon/{__version__} (warcio)", "format": "WARC File Format 1.1",
                "description": "every HTTP exchange of the fetcher; bodies stored decoded"}))
        return self._handle

    def write_exchange(self, *, url: str, fetched_at: datetime, status: int, reason: str,
                       response_headers: list[tuple[str, str]], body: bytes,
                       request_headers: list[tuple[str, str]] | None = None,
                       truncated: str | None = None) -> ArchivedAt:
        """Append the request (if given) and the response; return where the response record starts.

        ``truncated`` (``length``, ``time``, ``unspecified``): the body holds only part of what was sent.
        """
        date = _warc_date(fetched_at)
        warc_headers = {"WARC-Date": date, **({"WARC-Truncated": truncated} if truncated else {})}
        response = StatusAndHeaders(f"{status} {reason or ''}".strip(),
                                    stored_response_headers(response_headers, len(body)), protocol="HTTP/1.1")
        # build and compress the records outside the lock (a gzip member each, as WARC expects);
        # only the append is serialised, so fetch threads do not queue behind compression
        # the length given: warcio digests the body once, in place (without it, it recomputes both
        # digests while spooling the body through a temporary file: 0.1-0.2 ms more a page)
        record = _RECORD_BUILDER.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                    http_headers=response, warc_headers_dict=warc_headers)
        members = [_gzip_member(record)]
        if request_headers is not None:
            parts = urlsplit(url)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            request = StatusAndHeaders(f"GET {target} HTTP/1.1", request_headers, is_http_request=True)
            request_record = _RECORD_BUILDER.create_warc_record(url, "request", http_headers=request,
                                                                warc_headers_dict={"WARC-Date": date})
            request_record.rec_headers.add_header("WARC-Concurrent-To",
                                                  record.rec_headers.get_header("WARC-Record-ID"))
            members.append(_gzip_member(request_record))
        with self._lock, self._unavailable_on_error():
            handle = self._current()
            offset = handle.tell()
            # no flush here: a syscall under the lock makes the fetch threads convoy behind it (each
            # waits for the lock, then the GIL); flush() makes the file durable before a commit
            handle.write(b"".join(members))
            return ArchivedAt(Path(handle.name).name, offset, record.rec_headers.get_header("WARC-Payload-Digest"))

    @contextmanager
    def _unavailable_on_error(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise ArchiveUnavailable(f"cannot write the raw archive in {self.folder}: {exc.strerror or exc}") from None

    def flush(self) -> None:
        """Make everything written so far durable (before the warehouse commits rows pointing at it)."""
        with self._lock, self._unavailable_on_error():
            if self._handle is not None:
                self._handle.flush()
                os.fsync(self._handle.fileno())

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
