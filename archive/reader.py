"""Reading WARC and ARC files: one response record by (file, offset), or every response of a file.

A ``warc_file`` as the warehouse stores it is a name inside the archive folder (our own capture) or
an absolute path (a file made elsewhere and ingested by ``backfill --warc``). A record's offset is
the byte of the file where it starts (for a gzip file, where its gzip member starts); a record that
starts inside a gzip member (a file compressed as one gzip stream) is at that position of the
file's decompressed data instead, and is read back by decompressing up to it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Iterator

from warcio.statusandheaders import StatusAndHeaders

from archive.dates import capture_date
from archive.payload import decoded_body, http_response
from archive.records import Record, RecordDamage, read_record
from archive.scan import ArchiveScan, Damage
from archive.stream import GZIP_MAGIC, GzipStream, PlainStream, StreamDamage, unreadable_compression

_HEADER_ALLOWANCE = 1 << 16  # bytes of HTTP status line and headers kept beside the body


class WarcDamaged(Exception):
    """A WARC file is truncated or corrupt; ``offset`` is where the damage starts."""

    def __init__(self, path: Path, offset: int, reason: str) -> None:
        super().__init__(f"{path}: damaged from byte {offset} on ({reason})")
        self.path, self.offset, self.reason = path, offset, reason


class WarcMissing(WarcDamaged):
    """A WARC file cannot be opened at all (moved, deleted, no permission)."""

    def __init__(self, path: Path, offset: int, reason: str) -> None:
        super().__init__(path, offset, reason)
        self.args = (f"{path}: cannot be read ({reason})",)


@dataclass(frozen=True, slots=True)
class WarcResponse:
    url: str                       # WARC-Target-URI ('' when the record names none)
    captured_at: datetime | None   # None when the record's date cannot be read (see ``date_text``)
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes                    # decoded (chunks joined, gzip/deflate undone), at most the limit asked
    warc_file: str
    offset: int
    payload_digest: str | None
    date_text: str | None = None   # the capture date as the record writes it
    truncated: str | None = None   # why the body is not the whole response (record cut short, WARC-Truncated, ...)
    undecodable: str | None = None  # why the body could not be decoded
    body_cut: bool = False         # the body was read only up to the limit asked: it is larger

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


def _truncation(record: Record) -> str | None:
    if record.problem:
        return record.problem
    if record.header("WARC-Truncated"):
        return f"the crawler kept only part of it (WARC-Truncated: {record.header('WARC-Truncated')})"
    if record.header("WARC-Segment-Number"):
        return "a segmented record: only its first segment is read"
    return None


def response_of(record: Record, warc_file: str, max_body: int | None = None) -> WarcResponse | None:
    """The HTTP response a response record holds (None for any other record, or one holding no HTTP
    response); a response cut short before its status line is one with status 0 and no body."""
    if record.rec_type != "response":
        return None
    parsed = http_response(record.block)
    if parsed is None and not record.problem:
        return None
    status, http, payload = parsed or (0, StatusAndHeaders("", []), b"")
    body = decoded_body(payload, http, None if max_body is None else max_body + 1)
    truncated, undecodable = _truncation(record), None
    cut = len(record.block) < record.declared and record.problem is None
    if body.problem and not cut:
        kind, _, why = body.problem.partition(": ")
        truncated, undecodable = (truncated or why, None) if kind == "truncated" else (truncated, why)
    target = (record.header("WARC-Target-URI") or "").strip().strip("<>")
    return WarcResponse(url=target, captured_at=capture_date(record.date_text), status=status,
                        headers=tuple(http.headers), body=body.data, warc_file=warc_file, offset=record.place.offset,
                        payload_digest=record.header("WARC-Payload-Digest"), date_text=record.date_text,
                        truncated=truncated, undecodable=undecodable, body_cut=cut)


class ResponseScan(ArchiveScan):
    """An ``ArchiveScan`` that yields the HTTP responses of a file (bodies up to ``max_body + 1`` bytes)."""

    def __init__(self, path: Path, max_body: int | None = None) -> None:
        super().__init__(path, None if max_body is None else max_body + 1 + _HEADER_ALLOWANCE)
        self.max_body = max_body

    def responses(self) -> Iterator[WarcResponse]:
        for record in self.records():
            response = response_of(record, self.path.name, self.max_body)
            if response is not None:
                yield response


def iter_responses(path: Path, max_body: int | None = None) -> Iterator[WarcResponse]:
    """Every HTTP response record of ``path``, in order; WarcDamaged at the end if any part could not be read."""
    scan = ResponseScan(Path(path), max_body)
    yield from scan.responses()
    if scan.damage:
        first: Damage = scan.damage[0]
        raise WarcDamaged(Path(path), first.start.offset, first.reason)


def warc_path(folder: Path, warc_file: str) -> Path:
    """Where a stored ``warc_file`` lies: inside the archive ``folder``, unless it is an absolute path."""
    path = Path(warc_file)
    return path if path.is_absolute() else Path(folder) / path


def read_response(folder: Path, warc_file: str, offset: int) -> WarcResponse:
    """The response record at ``offset`` of ``warc_file`` (see :func:`warc_path`)."""
    with ArchiveReader(folder) as reader:
        return reader.read(warc_file, offset)


class ArchiveReader:
    """Reads response records by (file, offset), keeping the last file open: read in file order."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._path: Path | None = None
        self._handle: BinaryIO | None = None
        self._gzip = False
        self._whole: GzipStream | None = None  # the file's decompressed data, for records inside a member

    def read(self, warc_file: str, offset: int) -> WarcResponse:
        """The response record there; WarcDamaged when the file is missing or holds none there."""
        path = warc_path(self.folder, warc_file)
        if path != self._path:
            self._open(path, offset)
        try:
            record = self._record_at(offset)
        except (RecordDamage, StreamDamage, OSError) as exc:
            raise WarcDamaged(path, offset, getattr(exc, "reason", None) or str(exc) or type(exc).__name__) from None
        response = response_of(record, path.name) if record is not None else None
        if response is None:
            raise WarcDamaged(path, offset, "no response record at this offset")
        return response

    def _open(self, path: Path, offset: int) -> None:
        self.close()
        try:
            self._handle = path.open("rb")
            head = self._handle.read(8)
        except OSError as exc:
            self.close()
            raise WarcMissing(path, offset, exc.strerror or type(exc).__name__) from None
        problem = unreadable_compression(head)
        if problem:
            self.close()
            raise WarcDamaged(path, 0, problem)
        self._path, self._gzip = path, head.startswith(GZIP_MAGIC)

    def _record_at(self, offset: int) -> Record | None:
        if not self._gzip:
            return read_record(PlainStream(self._handle, offset), None, None)
        self._handle.seek(offset)
        if self._handle.read(len(GZIP_MAGIC)) == GZIP_MAGIC:
            try:
                record = read_record(GzipStream(self._handle, offset), None, None)
            except (RecordDamage, StreamDamage):
                record = None
            if record is not None and record.place.offset == offset:
                return record
        return self._record_in_decompressed(offset)

    def _record_in_decompressed(self, position: int) -> Record | None:
        """The record at ``position`` of the file's decompressed data (a file in one gzip stream)."""
        if self._whole is None or self._whole.tell() > position:
            self._whole = GzipStream(self._handle, 0)
        while self._whole.tell() < position:
            if not self._whole.read(min(1 << 20, position - self._whole.tell())):
                return None
        return read_record(self._whole, None, None)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        self._path, self._handle, self._whole = None, None, None

    def __enter__(self) -> "ArchiveReader":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
