"""Reading WARC files: one response record by (file, offset), or every response of a file."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed


class WarcDamaged(Exception):
    """A WARC file is truncated or corrupt; ``offset`` is where the damage starts."""

    def __init__(self, path: Path, offset: int, reason: str) -> None:
        super().__init__(f"{path}: damaged from byte {offset} on ({reason})")
        self.path, self.offset, self.reason = path, offset, reason


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


def _response(record, path: Path, offset: int) -> WarcResponse:
    http = record.http_headers
    return WarcResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        captured_at=_parse_date(record.rec_headers.get_header("WARC-Date")),
        status=int(http.get_statuscode() or 0),
        headers=tuple(http.headers),
        body=record.content_stream().read(),
        warc_file=path.name,
        offset=offset,
        payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
    )


def iter_responses(path: Path) -> Iterator[WarcResponse]:
    """Every HTTP response record of ``path``, in order; WarcDamaged after the last good one."""
    path = Path(path)
    offset = 0  # where the record being read starts: the damage is at or after it
    try:
        with path.open("rb") as handle:
            records = ArchiveIterator(handle)
            for record in records:
                offset = records.get_record_offset()
                if record.rec_type == "response" and record.http_headers is not None:
                    yield _response(record, path, offset)
            # a record cut short inside its gzip member ends the iteration without an error: check
            handle.seek(0, 2)
            end = handle.tell()
            last_end = records.get_record_offset() + records.get_record_length() if records.get_record_length() else end
            if last_end < end:
                offset = last_end
                raise EOFError(f"{end - last_end} trailing bytes are not a complete record")
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        raise WarcDamaged(path, offset, f"{type(exc).__name__}: {exc}".splitlines()[0][:300]) from None


def read_response(folder: Path, warc_file: str, offset: int) -> WarcResponse:
    """The response record at ``offset`` of ``folder/warc_file``."""
    path = Path(folder) / warc_file
    with path.open("rb") as handle:
        handle.seek(offset)
        for record in ArchiveIterator(handle):
            if record.rec_type != "response":
                break
            return _response(record, path, offset)
    raise WarcDamaged(path, offset, "no response record at this offset")
