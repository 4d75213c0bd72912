"""The HTTP response inside a record's block: its status and headers, and its body as the browser saw it.

A crawler stores the response as the server sent it: chunked, gzip- or deflate-encoded. The body is
decoded here (at most ``limit`` bytes of it), leniently as browsers are: a body declared chunked or
compressed that is not is taken as it is. What cannot be decoded is said, never printed.
"""
from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

_STATUS_LINE = re.compile(rb"HTTP/\d(?:\.\d)? +(\d{3})(?!\d)")
_HTTP = StatusAndHeadersParser([], verify=False)
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}


@dataclass(frozen=True, slots=True)
class Body:
    data: bytes
    problem: str | None = None   # why ``data`` is not the whole body: 'truncated: ...' or 'undecodable: ...'


def http_response(block: bytes) -> tuple[int, StatusAndHeaders, bytes] | None:
    """(status, status line and headers, raw payload) of the HTTP response in ``block``; None when it holds none."""
    status = _STATUS_LINE.match(block)
    if status is None:
        return None
    stream = io.BytesIO(block)
    headers = _HTTP.parse(stream, stream.readline())
    return int(status.group(1)), headers, block[stream.tell():]


def decoded_body(payload: bytes, headers: StatusAndHeaders, limit: int | None) -> Body:
    """The payload without its transfer and content encodings, at most ``limit`` bytes (None: all)."""
    if "chunked" in (headers.get_header("Transfer-Encoding") or "").lower():
        payload = _dechunked(payload)
    coding = (headers.get_header("Content-Encoding") or "").strip().lower()
    if coding in ("", "identity", "none"):
        return Body(payload if limit is None else payload[:limit])
    if coding not in _WBITS:
        return Body(payload[:limit] if limit else payload, f"undecodable: Content-Encoding {coding[:40]} is not decoded")
    return _decompressed(payload, coding, limit)


def _dechunked(payload: bytes) -> bytes:
    """The chunks' data in order; a payload whose first line is no chunk size was not chunked after all."""
    parts, at = [], 0
    while at < len(payload):
        end = payload.find(b"\n", at, at + 64)
        size_text = payload[at:end].split(b";")[0].strip() if end >= 0 else b""
        if not re.fullmatch(rb"[0-9a-fA-F]{1,16}", size_text):
            return payload if not parts else b"".join(parts) + payload[at:]
        size = int(size_text, 16)
        if size == 0:
            break
        parts.append(payload[end + 1 : end + 1 + size])
        at = end + 1 + size
        at += 2 if payload[at : at + 2] == b"\r\n" else 1 if payload[at : at + 1] == b"\n" else 0
    return b"".join(parts)


def _decompressed(payload: bytes, coding: str, limit: int | None) -> Body:
    decompressor = zlib.decompressobj(_WBITS[coding])
    try:
        data = decompressor.decompress(payload, limit or 0)
    except zlib.error as exc:
        if coding == "deflate":  # servers send raw deflate as often as zlib-wrapped
            return _raw_deflate(payload, limit, exc)
        return _undecodable(payload, limit, coding, exc)
    if decompressor.eof or (limit and len(data) >= limit):
        return Body(data)
    return Body(data, f"truncated: its {coding}-encoded body ends before the compressed data does")


def _raw_deflate(payload: bytes, limit: int | None, first: zlib.error) -> Body:
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(payload, limit or 0)
    except zlib.error:
        return _undecodable(payload, limit, "deflate", first)
    return Body(data) if decompressor.eof or (limit and len(data) >= limit) else Body(
        data, "truncated: its deflate-encoded body ends before the compressed data does")


def _undecodable(payload: bytes, limit: int | None, coding: str, exc: zlib.error) -> Body:
    if not payload.startswith(b"\x1f\x8b") and coding != "deflate":
        return Body(payload[:limit] if limit else payload)  # declared gzip, sent plain: taken as sent
    return Body(b"", f"undecodable: its {coding}-encoded body does not decompress ({str(exc).split(': ', 1)[-1]})")
