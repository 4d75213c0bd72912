"""WARC capture and reading: what is written reads back byte for byte; damage is reported after the good records."""
from datetime import datetime, timezone

import pytest

from warehouse.archive import WarcArchive
from warehouse.warc_reader import WarcDamaged, iter_responses, read_response

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


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_damage_is_reported_after_every_good_record(tmp_path, damage):
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
    assert seen == [f"http://outlet.example/news/{n}" for n in range(3)]
    assert places[2].offset < raised.value.offset <= cut
    assert "damaged from byte" in str(raised.value)
