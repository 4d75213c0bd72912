"""One WARC or ARC record read from a stream (``archive.stream``): its header, its block, and whether it is whole.

The header is parsed by warcio's record loader, which also turns an ARC record into the WARC record
it stands for (``arc2warc``); the block is framed by the declared length and read here, so that a
record cut short is known as such: the bytes read are counted against the length declared, and a
record must be followed by the blank lines that end it, by the next record or by the end of the
file. Anything else (a header that does not parse, a length that does not end the record) is a
``RecordDamage`` naming where the record starts.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException

from archive.stream import GzipStream, PlainStream, StreamDamage

WARC_LINE = re.compile(rb"WARC/\d+\.\d+[ \t]*\r?\n?\Z")
# an ARC v1 record's header line: URL IP-address date content-type length (warcio splits it from the right)
ARC_LINE = re.compile(rb"(?:filedesc://\S+|\S.*) \S+ \d{8,14} \S* \d+[ \t]*\r?\n?\Z")
_READ = 1 << 16
_LOADER = ArcWarcRecordLoader(verify_http=False, arc2warc=True)
# warcio warns on the console for each target URI with spaces it percent-encodes: the URI is taken as
# encoded, and nothing is left for the user to do
logging.getLogger("warcio.recordloader").setLevel(logging.ERROR)


class RecordDamage(Exception):
    """The bytes at ``start`` (a stream position) are not a readable record."""

    def __init__(self, start: int, reason: str) -> None:
        super().__init__(reason)
        self.start, self.reason = start, reason


@dataclass(frozen=True, slots=True)
class Place:
    """Where a record starts: a byte of the file, or (``in_file`` False) a position in its decompressed stream."""

    offset: int
    in_file: bool = True


@dataclass(frozen=True, slots=True)
class Record:
    """A record as read: warcio's WARC header (an ARC record converted), and the part of its block kept."""

    place: Place
    start: int                  # the stream position of its first byte
    block_start: int            # the stream position of its block's first byte
    arc: bool                   # an ARC record, converted to WARC fields by warcio
    rec_type: str
    headers: StatusAndHeaders   # the WARC header fields (for ARC: those warcio made)
    date_text: str | None       # the capture date as written (ARC: its 14-digit date, not warcio's guess)
    declared: int               # the block's length, as its header declares it
    block: bytes                # the block's first bytes (all of them when ``keep`` allowed)
    problem: str | None = None  # why the record is not whole, when it is not

    def header(self, name: str) -> str | None:
        return self.headers.get_header(name)


def is_header_line(line: bytes, arc: bool | None) -> bool:
    """Whether ``line`` starts a record of the file's format (``arc`` None: either format)."""
    if arc is not True and WARC_LINE.match(line):
        return True
    return arc is not False and ARC_LINE.match(line) is not None


def _blank(line: bytes) -> bool:
    return not line.strip(b"\x00\r\n\t ")


def place_of(stream: PlainStream | GzipStream, start: int, blank_from: int | None = None) -> Place:
    """Where the record starting at stream position ``start`` is found again (see ``Place``)."""
    offset = stream.member_at(start, start if blank_from is None else blank_from)
    return Place(offset) if offset is not None else Place(start, in_file=False)


def read_record(stream: PlainStream | GzipStream, arc: bool | None, keep: int | None) -> Record | None:
    """The next record of ``stream`` (None at the end), keeping the first ``keep`` bytes of a response's
    block (None: all of any record's block; other records keep none).

    Raises RecordDamage where no record can be read, StreamDamage where no bytes can be.
    """
    blank_from = stream.tell()
    line = stream.readline()
    while line and _blank(line):
        line = stream.readline()
    if not line:
        return None
    start = stream.tell() - len(line)
    if not is_header_line(line, arc):
        raise RecordDamage(start, f"not the start of a {_format_name(arc)} record: {_shown(line)}")
    place = place_of(stream, start, blank_from)
    is_arc = not line.startswith(b"WARC/")
    try:
        loaded = _LOADER.parse_record_stream(stream, line, "arc" if is_arc else "warc", no_record_parse=True)
    except (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, ValueError) as exc:
        raise RecordDamage(start, f"its header does not parse ({_first_line(exc)})") from None
    except StreamDamage as damage:
        raise RecordDamage(start, f"cut short inside its header: {damage.reason}") from None
    declared = _declared_length(loaded, start, stream)
    block_start = stream.tell()
    kept = keep if loaded.rec_type == "response" or keep is None else 0
    block, problem = _read_block(stream, declared, kept)
    if problem is None:
        problem = _check_end(stream, is_arc, declared, getattr(stream, "member_start", None))
    return Record(place, start, block_start, is_arc, loaded.rec_type or "", loaded.rec_headers, _date_text(line, loaded, is_arc),
                  declared, block, problem)


def _format_name(arc: bool | None) -> str:
    return {True: "ARC", False: "WARC"}.get(arc, "WARC or ARC")


def _shown(data: bytes) -> str:
    text = data[:60].decode("latin-1").rstrip("\r\n")
    return repr(text) + ("..." if len(data) > 60 else "")


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__


def _declared_length(loaded, start: int, stream) -> int:
    if loaded.length is None:
        probe = stream.read(1)
        stream.unread(probe)
        at_end = not probe
        raise RecordDamage(start, "the file ends inside its header" if at_end else "its header declares no length")
    text = (loaded.rec_headers.get_header("Content-Length") or "").strip()
    if not text.isdigit() or loaded.length < 0:
        raise RecordDamage(start, f"its header declares no usable length ({text[:40]!r})")
    return loaded.length


def _date_text(line: bytes, loaded, is_arc: bool) -> str | None:
    if is_arc:
        parts = line.decode("latin-1").rstrip().rsplit(" ", 4)
        return parts[2] if len(parts) == 5 else None
    return loaded.rec_headers.get_header("WARC-Date")


def _read_block(stream, declared: int, keep: int | None) -> tuple[bytes, str | None]:
    """(the first ``keep`` bytes, why the file holds fewer than declared) of a block of ``declared`` bytes."""
    chunks, kept, got = [], 0, 0
    try:
        while got < declared:
            chunk = stream.read(min(_READ, declared - got))
            if not chunk:
                return b"".join(chunks), f"cut short: the file ends {got} bytes into its {declared}-byte block"
            got += len(chunk)
            if keep is None or kept < keep:
                chunk = chunk if keep is None else chunk[: keep - kept]
                chunks.append(chunk)
                kept += len(chunk)
    except StreamDamage as damage:
        return b"".join(chunks), f"cut short: {got} of its {declared} bytes read, then {damage.reason}"
    return b"".join(chunks), None


def _check_end(stream, is_arc: bool, declared: int, member: int | None) -> str | None:
    """Why the record does not end where its length says (None when it does): blank lines, the next
    record or the end of the file must follow. ``member``: the gzip member its block ended in."""
    try:
        for _ in range(2):
            line = stream.readline()
            if not line:
                return None
            if not _blank(line):
                stream.unread(line)
                if is_header_line(line, is_arc):
                    return None
                return f"its declared length ({declared} bytes) does not end it: {_shown(line)} follows"
    except StreamDamage as damage:
        # its own member damaged (a bad check, a missing end): the record is too; a later one is not its fault
        return f"its gzip member is damaged: {damage.reason}" if damage.offset == member else None
    return None
