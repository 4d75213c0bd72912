"""WARC capture and reading: what is written reads back byte for byte; damage is reported where it starts."""
import base64
import hashlib
from datetime import datetime, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.writer import WarcArchive
from archive.reader import WarcDamaged, iter_responses, read_response

NOW = datetime(2020, 5, 22, 10, 0, tzinfo=timezone.utc)


def write(archive, n, size=400):
    return archive.write_exchange(
        url=f"http://outlet.example/news/{n}", fetched_at=NOW, status=200, reason="OK",
        response_headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                          ("ETag", f'"e{n}"')],
        body=f"<html><p>page {n}</p></html>".encode() * (size // 28), request_headers=[("User-Agent", "mediamon/test")])


def test_records_read_back_exactly_and_files_rotate(tmp_path):
    archive = WarcArchive(tmp_path, max_file_bytes=1500)
    places = [write(archive, n) for n in range(8)]
    archive.close()
    assert len({p.warc_file for p in places}) > 1                      # rotated by size
    for n, place in enumerate(places):
        response = read_response(tmp_path, place.warc_file, place.offset)
        assert response.url == f"http://outlet.example/news/{n}" and response.status == 200
        assert response.body.startswith(f"<html><p>page {n}</p>".encode())
        assert response.header("ETag") == f'"e{n}"'
        assert response.header("Content-Encoding") is None                 # stored decoded
        assert response.header("X-Mediamon-Original-Content-Encoding") == "gzip"
        assert int(response.header("Content-Length")) == len(response.body)
        assert response.payload_digest == place.payload_digest and place.payload_digest.startswith("sha1:")
        assert response.captured_at == NOW
    first = sorted(tmp_path.glob("*.warc.gz"))[0]
    in_first = [(n, p) for n, p in enumerate(places) if p.warc_file == first.name]
    assert [(r.url, r.offset, r.body[:30]) for r in iter_responses(first)] == [
        (f"http://outlet.example/news/{n}", p.offset, f"<html><p>page {n}</p></html><htm".encode()) for n, p in in_first]


def _sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_digests_and_lengths_match_the_stored_bytes(tmp_path):
    """Each record's Content-Length and block digest cover exactly its stored block, the payload
    digest exactly the body: computed here from the bytes read back, not taken from the writer."""
    archive = WarcArchive(tmp_path)
    places = [write(archive, n, size=40_000 * n + 10) for n in range(3)]
    archive.close()
    with open(tmp_path / places[0].warc_file, "rb") as stream:
        records = [(r.rec_type, r.rec_headers, r.raw_stream.read(), r.http_headers.to_bytes() if r.http_headers else b"")
                   for r in ArchiveIterator(stream)]
    responses = [r for r in records if r[0] == "response"]
    assert len(responses) == 3 and sum(r[0] == "request" for r in records) == 3
    for (_, headers, body, http_headers), n in zip(responses, range(3)):
        assert body == f"<html><p>page {n}</p></html>".encode() * ((40_000 * n + 10) // 28)
        assert headers.get_header("WARC-Payload-Digest") == _sha1(body) == places[n].payload_digest
        assert headers.get_header("WARC-Block-Digest") == _sha1(http_headers + body)
        assert int(headers.get_header("Content-Length")) == len(http_headers) + len(body)


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_damage_is_reported_where_it_starts_and_every_readable_record_is_read(tmp_path, damage):
    archive = WarcArchive(tmp_path / "a")
    places = [write(archive, n) for n in range(5)]
    archive.close()
    data = (tmp_path / "a" / places[0].warc_file).read_bytes()
    cut = places[3].offset + 50                                          # inside the 4th response
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(data[:cut] if damage == "truncated" else data[:cut] + b"\x00garbage" * 20 + data[cut:])
    seen = []
    with pytest.raises(WarcDamaged) as raised:
        for response in iter_responses(broken):
            seen.append(response.url)
    after = [] if damage == "truncated" else [4]                         # the gzip member after the damage
    assert seen == [f"http://outlet.example/news/{n}" for n in [0, 1, 2, *after]]
    assert raised.value.offset == places[3].offset                        # where the damaged record starts
    assert f"damaged from byte {places[3].offset}" in str(raised.value)
