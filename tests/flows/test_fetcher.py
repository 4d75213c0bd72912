"""The HTTP client against a loopback server: every attempt ends as an outcome, never an exception."""
import gzip
import socket

import pytest

from flows.http import Fetcher
from flows.http import guard
from mediamon.records import Outcome, Validators
from mediamon.settings import Settings
from tests.loopback import Reply, html_page

PAGE = html_page("Title", ["Some article text that is long enough to be an article. " * 5])
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def fetcher():
    f = Fetcher(Settings(allow_hosts=("127.0.0.1",), per_host_delay=0, per_host_concurrency=4,
                         connect_timeout=2, read_timeout=1, total_timeout=3, max_bytes=50_000, max_redirects=3))
    yield f
    f.close()


def only(results):
    assert len(results) == 1
    return results[0]


def test_ok_page_keeps_raw_bytes_and_headers(server, fetcher):
    url = server.route("/a", Reply(200, PAGE, {**HTML, "ETag": '"v1"', "Last-Modified": "Wed, 20 May 2020 10:00:00 GMT"}))
    result = only(fetcher.fetch(url))
    assert result.outcome == Outcome.OK and result.http_status == 200
    assert result.body == PAGE and result.bytes == len(PAGE)
    assert result.etag == '"v1"' and result.last_modified.startswith("Wed, 20 May 2020")
    assert result.final_url == url and result.redirects == ()
    assert server.requests[0].headers["user-agent"].startswith("mediamon/")


def test_http_error_is_asked_once(server, fetcher):
    result = only(fetcher.fetch(server.url("/missing")))
    assert (result.outcome, result.http_status) == (Outcome.HTTP_ERROR, 404)
    assert server.hits("/missing") == 1


def test_redirects_are_followed_and_recorded(server, fetcher):
    server.route("/old", Reply(301, b"", {"Location": "/middle"}))
    server.route("/middle", Reply(302, b"", {"Location": server.url("/new")}))
    server.route("/new", Reply(200, PAGE, HTML))
    result = only(fetcher.fetch(server.url("/old")))
    assert result.outcome == Outcome.OK
    assert result.redirects == (server.url("/middle"), server.url("/new"))
    assert result.final_url == server.url("/new")


def test_redirect_loop_is_cut_at_the_hop_limit(server, fetcher):
    server.route("/loop", Reply(302, b"", {"Location": "/loop"}))
    result = only(fetcher.fetch(server.url("/loop")))
    assert result.outcome == Outcome.REDIRECT_LOOP
    assert server.hits("/loop") == 4  # the first request and three redirects


def test_non_html_is_not_read(server, fetcher):
    url = server.route("/doc.pdf", Reply(200, b"%PDF-1.4 ...", {"Content-Type": "application/pdf"}))
    result = only(fetcher.fetch(url))
    assert result.outcome == Outcome.NOT_HTML and result.body is None


def test_size_cap_applies_to_the_decoded_body(server, fetcher):
    big = b"<html><body>" + b"a" * 200_000 + b"</body></html>"
    plain = server.route("/big", Reply(200, big, HTML))
    bomb = server.route("/bomb", Reply(200, gzip.compress(big), {**HTML, "Content-Encoding": "gzip"}))
    assert only(fetcher.fetch(plain)).outcome == Outcome.TOO_LARGE
    assert len(gzip.compress(big)) < 50_000  # small on the wire, too large once decoded
    assert only(fetcher.fetch(bomb)).outcome == Outcome.TOO_LARGE


def test_a_server_that_never_answers_times_out(server, fetcher):
    def hang(request):
        server.release.wait(10)
        return None

    url = server.route("/hang", hang)
    result = only(fetcher.fetch(url))
    assert result.outcome == Outcome.TIMEOUT
    assert result.elapsed_ms < 3000


def test_conditional_get_sends_the_stored_validators(server, fetcher):
    def conditional(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, PAGE, {**HTML, "ETag": '"v1"'})

    url = server.route("/c", conditional)
    assert only(fetcher.fetch(url)).outcome == Outcome.OK
    result = only(fetcher.fetch(url, Validators(etag='"v1"')))
    assert result.outcome == Outcome.NOT_MODIFIED and result.http_status == 304


def test_loopback_is_refused_unless_allowed(server):
    strict = Fetcher(Settings(per_host_delay=0))
    url = server.route("/a", Reply(200, PAGE, HTML))
    result = only(strict.fetch(url))
    assert result.outcome == Outcome.BLOCKED_ADDRESS and "loopback" in result.error
    assert server.hits("/a") == 0


def test_redirect_to_a_private_address_is_refused(server, fetcher):
    server.route("/ssrf", Reply(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}))
    result = only(fetcher.fetch(server.url("/ssrf")))
    assert result.outcome == Outcome.BLOCKED_ADDRESS and "metadata" in result.error


def test_invalid_and_unresolvable_urls(fetcher, monkeypatch):
    assert only(fetcher.fetch("ftp://example.com/file")).outcome == Outcome.INVALID_URL

    def no_dns(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(guard.socket, "getaddrinfo", no_dns)
    assert only(fetcher.fetch("http://outlet.example/")).outcome == Outcome.DNS_ERROR


def test_refused_connection(fetcher):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert only(fetcher.fetch(f"http://127.0.0.1:{port}/")).outcome == Outcome.CONNECTION_ERROR
