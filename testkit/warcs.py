"""WARC and ARC files made on the spot, in the layouts and with the flaws real files have.

Records are written by warcio's own writer (WARC) or by hand (ARC v1, which no maintained writer
produces); the layouts (uncompressed, a gzip member per record, one gzip stream for the whole
file, members that join or split records) and the flaws (cut short, corrupt, a wrong length, a
date no parser reads) are made from those bytes here, so that a test states what it damages.
"""
from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WHEN = datetime(2020, 5, 1, 12, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    when: datetime = WHEN
    status: int = 200
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
    date_text: str | None = None  # written as the capture date instead of ``when`` (a date as a crawler garbled it)

    def stamp(self, arc: bool = False) -> str:
        return self.date_text or self.when.strftime("%Y%m%d%H%M%S" if arc else "%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Built:
    """A file's bytes and, for each page, where its response record starts."""

    data: bytes
    offsets: list[int]


def article(n: int, words: int = 120) -> bytes:
    """A small HTML article, different for each ``n``."""
    text = " ".join(f"council{n} discussed the {w % 17} roads and library budget item {w}" for w in range(words // 8))
    return f"<html><head><title>Story {n}</title></head><body><article><p>{text}</p></article></body></html>".encode()


def pages(count: int, host: str = "outlet.example") -> list[Page]:
    return [Page(f"http://{host}/story/{n}", article(n)) for n in range(count)]


def _http(page: Page) -> StatusAndHeaders:
    return StatusAndHeaders(f"{page.status} X", [*page.headers, ("Content-Length", str(len(page.body)))],
                            protocol="HTTP/1.1")


def warc(items: list[Page], compress: bool = True, version: str = "1.0", requests: bool = True,
         warcinfo: bool = True) -> Built:
    """A WARC file by warcio's writer: a warcinfo record, then per page a response (and a request) record."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress, warc_version=f"WARC/{version}")
    if warcinfo:
        writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "testkit"}))
    offsets = []
    for page in items:
        offsets.append(buffer.tell())
        writer.write_record(writer.create_warc_record(
            page.url, "response", payload=io.BytesIO(page.body), http_headers=_http(page),
            warc_headers_dict={"WARC-Date": page.stamp()}))
        if requests:
            asked = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(writer.create_warc_record(page.url, "request", http_headers=asked))
    return Built(buffer.getvalue(), offsets)


def arc(items: list[Page], compress: bool = False, metadata: bytes = b"") -> Built:
    """An ARC v1 file as the Internet Archive's crawlers wrote them: a filedesc record (with Heritrix's
    ``metadata`` XML, version 1.1, when given), then one record per page (URL, IP, 14-digit date,
    content type, length; the HTTP response; a newline)."""
    version = b"1 1 testkit\n" if metadata else b"1 0 testkit\n"
    spec = version + b"URL IP-address Archive-date Content-type Archive-length\n" + metadata
    records = [b"filedesc://test.arc 0.0.0.0 %s text/plain %d\n" % (WHEN.strftime("%Y%m%d%H%M%S").encode(), len(spec))
               + spec + b"\n"]
    for page in items:
        response = _http(page).to_bytes() + page.body
        records.append(b"%s 192.0.2.1 %s text/html %d\n" % (page.url.encode(), page.stamp(arc=True).encode(), len(response))
                       + response + b"\n")
    parts = [gzip.compress(record) for record in records] if compress else records
    offsets = [sum(map(len, parts[:n])) for n in range(1, len(parts))]
    return Built(b"".join(parts), offsets)


def whole_gzip(plain: Built) -> Built:
    """The uncompressed file in one gzip stream; offsets are positions in its decompressed data."""
    return Built(gzip.compress(plain.data), plain.offsets)


def regrouped(plain: Built, cuts: list[int]) -> Built:
    """The uncompressed file in gzip members that end at ``cuts`` (positions in it), not only at records.

    A record starting a member is at that member's file offset; any other at its position in the
    decompressed data (what the reader reports, and reads back from)."""
    bounds = [0, *cuts, len(plain.data)]
    members = [gzip.compress(plain.data[a:b], mtime=0) for a, b in zip(bounds, bounds[1:])]
    starts = {bound: sum(map(len, members[:n])) for n, bound in enumerate(bounds[:-1])}
    return Built(b"".join(members), [starts.get(offset, offset) for offset in plain.offsets])


def with_field(data: bytes, name: str, value: str, count: int = 1) -> bytes:
    """``data`` (uncompressed) with the first ``count`` values of header field ``name`` replaced."""
    return re.sub(rb"(?m)^" + name.encode() + rb": [^\r\n]*", (name + ": " + value).encode(), data, count=count)


def lf_only(data: bytes) -> bytes:
    """An uncompressed WARC with LF line ends outside its blocks (as ClueWeb09's WARC/0.18 files), lengths kept right."""
    out, at = [], 0
    for match in re.finditer(rb"WARC/[\d.]+\r\n.*?\r\n\r\n", data, re.S):
        length = int(re.search(rb"Content-Length: (\d+)", match.group(0)).group(1))
        out += [data[at : match.start()].replace(b"\r\n", b"\n"), match.group(0).replace(b"\r\n", b"\n"),
                data[match.end() : match.end() + length]]
        at = match.end() + length
    return b"".join(out) + data[at:].replace(b"\r\n", b"\n")
