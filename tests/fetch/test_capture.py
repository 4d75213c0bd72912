"""The fetcher writes every response it receives, and its request, to the raw archive (WARC)."""
import gzip

from warcio.archiveiterator import ArchiveIterator

from fetch import Fetcher
from core.records import Outcome
from core.settings import Settings
from testkit.loopback import Reply, html_page
from archive.writer import WarcArchive
from archive.reader import read_response

PAGE = html_page("Captured", ["An article that the archive keeps byte for byte. " * 8])
HTML = {"Content-Type": "text/html; charset=utf-8"}
FAST = dict(allow_hosts=("127.0.0.1",), per_host_delay=0, connect_timeout=1, read_timeout=1, total_timeout=2,
            max_attempts=3, backoff_base=0, wayback=False)


def records(folder):
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                              record.rec_headers.get_header("WARC-Truncated")))
    return found


def test_every_response_and_request_is_archived_and_each_result_points_at_its_final_response(server, tmp_path):
    answers = iter([Reply(503, b"busy", {"Retry-After": "0"}), Reply(200, PAGE, HTML)])
    flaky = server.route("/flaky", lambda request: next(answers))
    moved = server.route("/moved", Reply(301, b"", {"Location": "/zipped"}))
    server.route("/zipped", Reply(200, gzip.compress(PAGE), {**HTML, "Content-Encoding": "gzip"}))
    missing = server.url("/missing")
    archive = WarcArchive(tmp_path / "archive")
    fetcher = Fetcher(Settings(**FAST), sleep=lambda s: None, archive=archive)
    results = {url: fetcher.fetch(url) for url in (flaky, moved, missing)}
    fetcher.close()
    archive.flush()

    kept = records(tmp_path / "archive")
    responses = [(uri, cut) for kind, uri, cut in kept if kind == "response"]
    assert sorted(uri for uri, _ in responses) == sorted(server.url(r.path) for r in server.requests)
    assert len([k for k in kept if k[0] == "request"]) == len(responses)  # each with its request
    assert kept[0][0] == "warcinfo"
    assert (server.url("/robots.txt"), "unspecified") in responses     # a 404's body is not read: marked
    assert (server.url("/moved"), None) in responses                    # an empty redirect body is whole

    assert [r.outcome for r in results[flaky]] == [Outcome.HTTP_ERROR, Outcome.OK]  # the 503, then the retry
    for attempt in results[flaky] + results[moved] + results[missing]:
        stored = read_response(tmp_path / "archive", attempt.warc_file, attempt.warc_offset)
        assert stored.url == attempt.final_url and stored.status == attempt.http_status
        assert stored.payload_digest == attempt.payload_digest
        if attempt.outcome == Outcome.OK:
            assert stored.body == attempt.body == PAGE  # the gzip page is stored decoded
    [zipped] = results[moved]
    stored = read_response(tmp_path / "archive", zipped.warc_file, zipped.warc_offset)
    assert stored.header("X-Mediamon-Original-Content-Encoding") == "gzip" and stored.header("Content-Encoding") is None
    request = next(r for r in server.requests if r.path == "/zipped")
    assert request.headers["user-agent"].startswith("mediamon/")


def test_a_body_over_the_cap_is_archived_as_truncated(server, tmp_path):
    big = server.route("/big", Reply(200, b"<html><p>" + b"x" * 20_000 + b"</p></html>", HTML))
    archive = WarcArchive(tmp_path / "archive")
    fetcher = Fetcher(Settings(**FAST, max_bytes=5_000), sleep=lambda s: None, archive=archive)
    [result] = fetcher.fetch(big)
    fetcher.close()
    assert result.outcome == Outcome.TOO_LARGE
    assert (("response", big, "length")) in records(tmp_path / "archive")
