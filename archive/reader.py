"""Reading WARC files: one response record by (file, offset), or every response of a file.

A ``warc_file`` as the warehouse stores it is a name inside the archive folder (our own capture) or
an absolute path (a WARC made elsewhere and ingested by ``backfill --warc``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed


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
    url: str
    captured_at: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    warc_file: str
    offset: int
    payload_digest: str | None

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


def _parse_date(value: str | None) -> datetime:
    if not value:
        return datetime.fromtimestamp(0, timezone.utc)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def _response(record, path: Path, offset: int, max_body: int | None = None) -> WarcResponse:
    http = record.http_headers
    stream = record.content_stream()
    return WarcResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        captured_at=_parse_date(record.rec_headers.get_header("WARC-Date")),
        status=int(http.get_statuscode() or 0),
        headers=tuple(http.headers),
        body=_read(stream, None if max_body is None else max_body + 1),
        warc_file=path.name,
        offset=offset,
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
    )


def _read(stream, limit: int | None) -> bytes:
    """Up to ``limit`` bytes of the record's payload (all without a limit): warcio's readers return short reads."""
    chunks, size = [], 0
    while limit is None or size < limit:
        chunk = stream.read(65536 if limit is None else min(65536, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def iter_responses(path: Path, max_body: int | None = None) -> Iterator[WarcResponse]:
    """Every HTTP response record of ``path``, in order; WarcDamaged after the last good one.

    With ``max_body``, a body is read up to ``max_body + 1`` bytes (enough to tell it is too large).
    """
    path = Path(path)
    offset = 0  # where the record being read starts: the damage is at or after it
    try:
        with path.open("rb") as handle:
            records = ArchiveIterator(handle)
            for record in records:
                offset = records.offset  # where this record starts (get_record_offset() would consume it)
                if record.rec_type == "response" and record.http_headers is not None:
                    yield _response(record, path, offset, max_body)
            # a record cut short inside its gzip member ends the iteration without an error: check
            handle.seek(0, 2)
            end = handle.tell()
            last_end = records.get_record_offset() + records.get_record_length() if records.get_record_length() else end
            if last_end < end:
                offset = last_end
                raise EOFError(f"{end - last_end} trailing bytes are not a complete record")
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        raise WarcDamaged(path, offset, f"{type(exc).__name__}: {exc}".splitlines()[0][:300]) from None


def warc_path(folder: Path, warc_file: str) -> Path:
    """Where a stored ``warc_file`` lies: inside the archive ``folder``, unless it is an absolute path."""
    path = Path(warc_file)
    return path if path.is_absolute() else Path(folder) / path


def _read_at(handle: BinaryIO, path: Path, offset: int) -> WarcResponse:
    try:
        handle.seek(offset)
        for record in ArchiveIterator(handle):
            if record.rec_type != "response" or record.http_headers is None:
                break
            return _response(record, path, offset)
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        raise WarcDamaged(path, offset, f"{type(exc).__name__}: {exc}".splitlines()[0][:300]) from None
    raise WarcDamaged(path, offset, "no response record at this offset")


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

    def read(self, warc_file: str, offset: int) -> WarcResponse:
        """The response record there; WarcDamaged when the file is missing or holds none there."""
        path = warc_path(self.folder, warc_file)
        if path != self._path:
            self.close()
            try:
                self._handle = path.open("rb")
            except OSError as exc:
                raise WarcMissing(path, offset, exc.strerror or type(exc).__name__) from None
            self._path = path
        return _read_at(self._handle, path, offset)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        self._path, self._handle = None, None

    def __enter__(self) -> "ArchiveReader":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
