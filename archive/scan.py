"""One WARC or ARC file read from start to end: every record that can be read, and every stretch that cannot.

Damage never ends the reading early where the format lets it go on: after a stretch that does not
read (a record cut short, corrupt gzip data, bytes that are no record), reading resumes at the next
gzip member that decompresses, or at the next line that starts a record, and the skipped stretch
is reported with where it starts, why, and where reading went on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from archive.dates import capture_date
from archive.records import Place, Record, RecordDamage, is_header_line, place_of, read_record
from archive.stream import GzipStream, PlainStream, StreamDamage, open_stream, unreadable_compression

_MAX_SKIP_LINE = 1 << 16


@dataclass(frozen=True, slots=True)
class Damage:
    """A stretch of a file that could not be read whole."""

    start: Place               # its first byte: where the damaged record, or the bytes that are no record, start
    reason: str
    resumed: Place | None = None  # where reading went on (the next readable record); None: nothing after it read

    def describe(self) -> str:
        after = f"read on from {_at(self.resumed)}" if self.resumed else "nothing after it could be read"
        return f"damaged from {_at(self.start)} ({self.reason}); {after}"


def _at(place: Place) -> str:
    return f"byte {place.offset}" if place.in_file else f"byte {place.offset} of its decompressed data"


class ArchiveScan:
    """Reads ``path`` once: ``records()`` yields each record, ``damage`` lists what could not be read.

    ``keep``: how many bytes of each response record's block to keep (None: all); other records keep none.
    """

    def __init__(self, path: Path, keep: int | None = None) -> None:
        self.path, self.keep = Path(path), keep
        self.records_read = 0
        self.damage: list[Damage] = []
        self.file_date: datetime | None = None  # the warcinfo (ARC: filedesc) record's date
        self._stream: PlainStream | GzipStream | None = None
        self._open: tuple[Place, str] | None = None  # damage found and not yet followed by a readable record

    @property
    def position(self) -> int:
        """How far into the file reading has come, in bytes of the file."""
        return self._stream.file_position if self._stream is not None else 0

    def records(self) -> Iterator[Record]:
        try:
            with self.path.open("rb") as handle:
                problem = unreadable_compression(handle.read(8))
                if problem:
                    self._found(Place(0), problem)
                else:
                    self._stream = open_stream(handle)
                    yield from self._read_all(self._stream)
        except OSError as exc:
            self._found(Place(self.position), f"cannot be read: {exc.strerror or exc}")
        except Exception as exc:  # noqa: BLE001 - input no rule here foresaw is this file's damage, not the run's end
            self._found(Place(self.position), f"unreadable here ({type(exc).__name__}: {str(exc)[:200]})")
        self._stream = None
        self._close_damage(None)

    def _read_all(self, stream: PlainStream | GzipStream) -> Iterator[Record]:
        arc: bool | None = None
        while True:
            try:
                record = read_record(stream, arc, self.keep)
            except RecordDamage as exc:
                self._found(place_of(stream, exc.start), exc.reason)
                if not self._skip_to_record(stream, arc):
                    return
                continue
            except StreamDamage as exc:
                self._found(Place(exc.offset), exc.reason)
                if stream.resync() is None:
                    return
                continue
            if record is None:
                return
            arc = record.arc if arc is None else arc
            self._close_damage(record.place)
            self.records_read += 1
            if record.rec_type == "warcinfo" and self.file_date is None:
                self.file_date = capture_date(record.date_text)
            yield record
            if record.problem:
                self._found(record.place, record.problem)
                self._look_again_after(stream, record)

    def _found(self, place: Place, reason: str) -> None:
        if self._open is None:
            self._open = (place, reason)

    def _close_damage(self, resumed: Place | None) -> None:
        if self._open is not None:
            self.damage.append(Damage(*self._open, resumed))
            self._open = None

    @staticmethod
    def _look_again_after(stream: PlainStream | GzipStream, record: Record) -> None:
        """After a record that is not whole, look for the next one from its block on: a wrong length
        may have swallowed records. An uncompressed file is read again from the record's block; a gzip
        file from the next member after the record's own (one gzip stream: from where reading is)."""
        if isinstance(stream, PlainStream):
            stream.resync(after=record.block_start - 1)
        elif record.place.in_file:
            stream.resync(after=record.place.offset)

    def _skip_to_record(self, stream: PlainStream | GzipStream, arc: bool | None) -> bool:
        """Read on to the next line that starts a record (left unread); False at the end of the file."""
        while True:
            try:
                line = stream.readline(_MAX_SKIP_LINE)
            except StreamDamage:
                if stream.resync() is None:
                    return False
                continue
            if not line:
                return False
            if is_header_line(line, arc):
                stream.unread(line)
                return True

