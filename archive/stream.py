"""The bytes of a WARC or ARC file as its records see them: uncompressed, or gzip decompressed member by member.

A record is framed by its own header (``Content-Length``), not by the compression, so a reader of
records needs one stream of decompressed bytes whatever the file's layout: one gzip member per
record (the usual layout), a whole file in one gzip stream, members that split or join records, or
no compression at all. ``GzipStream`` gives that stream and keeps, for each logical position where
a gzip member starts, that member's byte offset in the file: a record starting a member can be
found again by seeking there. It never raises for damage it can route around: bytes that are not a
gzip member, corrupt compressed data and a file ending inside a member end the stream with a
``StreamDamage`` naming the file byte, and ``resync`` finds the next member that decompresses.
"""
from __future__ import annotations

import zlib
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b\x08"
_READ = 1 << 20         # bytes of an uncompressed file read at a time
_FEED = 1 << 16         # compressed bytes read and decompressed at a time (at most ~64 MB out)
_PROBE = 1 << 16        # decompressed bytes that show a member found by resync is one
# compressions warcio does not read either: (signature, name, how to undo it)
UNREADABLE = ((b"\x04\x22\x4d\x18", "LZ4", "lz4 -d"), (b"\x02\x21\x4c\x18", "LZ4 (legacy format)", "lz4 -d"),
              (b"\x28\xb5\x2f\xfd", "Zstandard", "zstd -d"), (b"BZh", "bzip2", "bunzip2"),
              (b"\xfd7zXZ\x00", "xz", "unxz"), (b"PK\x03\x04", "ZIP", "unzip"))


class StreamDamage(Exception):
    """The file cannot be read on at byte ``offset`` of the file."""

    def __init__(self, offset: int, reason: str) -> None:
        super().__init__(f"byte {offset}: {reason}")
        self.offset, self.reason = offset, reason


def unreadable_compression(head: bytes) -> str | None:
    """Why a file starting with ``head`` cannot be read (a compression other than gzip), or None."""
    for signature, name, undo in UNREADABLE:
        if head.startswith(signature):
            return f"{name}-compressed, which mediamon does not read: decompress it first ({undo})"
    return None


def _harmless(tail: bytes) -> bool:
    """Padding some writers leave after the last record: NUL bytes and blank lines."""
    return not tail.strip(b"\x00\r\n\t ")


class _Buffered:
    """read/readline/unread over chunks of logical bytes from ``_more``; ``tell`` is the logical position."""

    def __init__(self) -> None:
        self._buf = b""
        self._i = 0          # next unread byte of _buf
        self._pos = 0        # logical position of _buf[_i]

    def _more(self) -> bytes:  # pragma: no cover - subclasses
        raise NotImplementedError

    def _fill(self) -> bool:
        try:
            chunk = self._more()
        except StreamDamage:
            if len(self._buf) > self._i:
                return False  # the bytes before the damage are read first; the damage is raised again after
            raise
        if not chunk:
            return False
        self._buf = self._buf[self._i:] + chunk
        self._i = 0
        return True

    def tell(self) -> int:
        return self._pos

    def read(self, size: int) -> bytes:
        while len(self._buf) - self._i < size and self._fill():
            pass
        data = self._buf[self._i : self._i + size]
        self._i += len(data)
        self._pos += len(data)
        return data

    def readline(self, limit: int = 1 << 16) -> bytes:
        """One line with its ending (at most ``limit`` bytes); b'' at the end of the stream."""
        while True:
            end = self._buf.find(b"\n", self._i, self._i + limit)
            if end >= 0:
                return self.read(end + 1 - self._i)
            if len(self._buf) - self._i >= limit or not self._fill():
                return self.read(limit)

    def unread(self, data: bytes) -> None:
        """Put back ``data``, the bytes just read."""
        if self._i >= len(data) and self._buf[self._i - len(data) : self._i] == data:
            self._i -= len(data)
        else:
            self._buf = data + self._buf[self._i:]
            self._i = 0
        self._pos -= len(data)

    def member_at(self, position: int, blank_from: int) -> int | None:
        """The file offset to seek to for the record starting at logical ``position`` (after blank lines
        from ``blank_from``), or None when no offset of the file leads to it."""
        return position


class PlainStream(_Buffered):
    """An uncompressed file: logical positions are file offsets."""

    def __init__(self, handle: BinaryIO, start: int = 0) -> None:
        super().__init__()
        self._handle = handle
        self._pos = self._read_at = start

    def _more(self) -> bytes:
        self._handle.seek(self._read_at)  # the handle may be shared: each read says where
        chunk = self._handle.read(_READ)
        self._read_at += len(chunk)
        return chunk

    def resync(self, after: int | None = None) -> int | None:
        """Go on from the byte after ``after`` (a plain file has no units to find: records' headers are
        looked for from there); None without ``after``."""
        if after is None:
            return None
        self._buf, self._i = b"", 0
        self._pos = self._read_at = after + 1
        return self._pos

    @property
    def file_position(self) -> int:
        return self._pos


class GzipStream(_Buffered):
    """The decompressed bytes of the gzip members from file offset ``start`` on, member after member."""

    def __init__(self, handle: BinaryIO, start: int = 0) -> None:
        super().__init__()
        self._handle = handle
        self._raw = b""             # compressed bytes read and not yet decompressed
        self._raw_at = start        # the file offset of _raw[0]
        self._member: zlib._Decompress | None = None
        self._member_at = start     # the file offset where the current member starts
        self._out_end = 0           # logical position just past the bytes produced so far
        self._starts: dict[int, int] = {}  # logical position -> file offset of a member starting there
        self._damage: StreamDamage | None = None

    @property
    def file_position(self) -> int:
        """How far into the file reading has come (for progress)."""
        return self._raw_at

    @property
    def member_start(self) -> int:
        """The file offset of the gzip member being decompressed."""
        return self._member_at

    def member_at(self, position: int, blank_from: int) -> int | None:
        """The file offset of the gzip member whose data starts with the record (or with the blank lines before it)."""
        starts = [start for start in self._starts if blank_from <= start <= position]
        return self._starts[max(starts)] if starts else None

    def _read_raw(self, need: int) -> bool:
        while len(self._raw) < need:
            self._handle.seek(self._raw_at + len(self._raw))  # the handle may be shared: each read says where
            chunk = self._handle.read(_FEED)
            if not chunk:
                return False
            self._raw += chunk
        return True

    def _start_member(self) -> bool:
        """Begin the member at ``_raw_at``; False at a clean end of the file."""
        self._read_raw(len(GZIP_MAGIC))
        if not self._raw:
            return False
        if len(self._raw) < len(GZIP_MAGIC) and GZIP_MAGIC.startswith(self._raw):
            raise StreamDamage(self._raw_at, f"the file ends inside the gzip header at byte {self._raw_at}")
        if not self._raw.startswith(GZIP_MAGIC):
            self._read_raw(_PROBE)
            if len(self._raw) < _PROBE and _harmless(self._raw):
                self._raw_at += len(self._raw)
                self._raw = b""
                return False
            raise StreamDamage(self._raw_at, f"the bytes at {self._raw_at} are not a gzip member")
        self._member = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self._member_at = self._raw_at
        if len(self._starts) > 64:
            self._starts = {k: v for k, v in self._starts.items() if k >= self._pos}
        self._starts[self._out_end] = self._raw_at
        return True

    def _more(self) -> bytes:
        if self._damage is not None:
            raise self._damage
        try:
            return self._decompress_some()
        except StreamDamage as damage:
            self._damage = damage
            raise

    def _decompress_some(self) -> bytes:
        while True:
            if self._member is None or self._member.eof:
                if not self._start_member():
                    return b""
            if not self._raw and not self._read_raw(1):
                raise StreamDamage(self._member_at, f"the file ends inside the gzip member starting at byte {self._member_at}")
            piece = self._raw[:_FEED]
            before = self._member.copy()
            try:
                out = self._member.decompress(piece)
            except zlib.error as exc:
                return self._up_to_corruption(before, piece, exc)
            used = len(piece) - len(self._member.unused_data) if self._member.eof else len(piece)
            self._raw_at += used
            self._raw = self._raw[used:]
            if out:
                self._out_end += len(out)
                return out

    def _up_to_corruption(self, before: "zlib._Decompress", piece: bytes, exc: zlib.error) -> bytes:
        """The bytes that decompress before the first corrupt one; the damage is raised on the next read."""
        good, bad = 0, len(piece)  # feeding piece[:bad] fails, piece[:good] does not
        while bad - good > 1:
            middle = (good + bad) // 2
            try:
                before.copy().decompress(piece[:middle])
                good = middle
            except zlib.error:
                bad = middle
        out = before.decompress(piece[:good])
        reason = str(exc).split(": ", 1)[-1]
        self._damage = StreamDamage(self._member_at, f"gzip data corrupt at byte {self._raw_at + bad - 1} ({reason})")
        self._raw_at += good
        self._raw = self._raw[good:]
        self._out_end += len(out)
        if out:
            return out
        raise self._damage

    def resync(self, after: int | None = None) -> int | None:
        """Go on at the next gzip member that decompresses after file offset ``after`` (default: where the
        damage found is); its file offset (None: none left)."""
        damage, self._damage = self._damage, None
        if after is None:
            after = damage.offset if damage else self._member_at
        search_from = after + 1
        self._raw, self._raw_at, self._member = b"", search_from, None
        self._buf, self._i, self._out_end = b"", 0, self._pos
        while self._read_raw(len(GZIP_MAGIC)):
            found = self._raw.find(GZIP_MAGIC)
            if found < 0:
                keep = len(GZIP_MAGIC) - 1
                self._raw_at += len(self._raw) - keep
                self._raw = self._raw[-keep:]
                if not self._read_raw(len(self._raw) + 1):
                    break
                continue
            self._raw_at += found
            self._raw = self._raw[found:]
            if self._decompresses():
                self._start_member()
                return self._raw_at
            self._raw_at += 1
            self._raw = self._raw[1:]
        self._raw_at += len(self._raw)
        self._raw = b""
        return None

    def _decompresses(self) -> bool:
        """Whether the bytes at ``_raw_at`` start a gzip member that decompresses (probed, not consumed)."""
        self._read_raw(_PROBE)
        probe = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            out = probe.decompress(self._raw[:_PROBE])
        except zlib.error:
            return False
        return bool(out) or probe.eof


def open_stream(handle: BinaryIO, start: int = 0) -> PlainStream | GzipStream:
    """The stream of the file's records from file offset ``start``: gzip decompressed if it is gzip."""
    handle.seek(start)
    head = handle.read(len(GZIP_MAGIC))
    return GzipStream(handle, start) if head == GZIP_MAGIC else PlainStream(handle, start)
