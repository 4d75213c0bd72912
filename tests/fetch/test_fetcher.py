"""The HTTP client against a loopback server: every attempt ends as an outcome, never an exception."""
import gzip
import socket

import pytest

from fetch import Fetcher
from fetch import guard
from core.records import Outcome, Validators
from core.settings import Settings, user_agent_with_contact
from testkit.misbehaving import MisbehavingServer, stream_forever
from testkit.loopback import Reply, html_page

PAGE = html_page("Title", ["Some article text that is long enough to be an article. " * 5])
HTML = {"Content-Type": "text/html; charset=utf-8"}
FAST = dict(allow_hosts=("127.0.0.1",), per_host_delay=0, per_host_concurrency=4, connect_timeout=5,
            read_timeout=5, total_timeout=10, max_bytes=50_000, max_redirects=3, max_attempts=3,
            backoff_base=0.01, retry_after_cap=5, wayback=False)  # the web-archive fallback: test_wayback.py


@pytest.fixture
def server():
    with MisbehavingServer() as srv:
        yield srv


@pytest.fixture
def fetcher():
    f = Fetcher(Settings(**FAST, user_agent=user_agent_with_contact("https://example.org/contact")),
                sleep=lambda seconds: None)
    yield f
    f.close()


def only(results):
    assert len(results) == 1, results
    return results[0]


def page_requests(server):
    return [r for r in server.requests if r.path != "/robots.txt"]


def test_ok_page_keeps_raw_bytes_and_headers(server, fetcher):
    url = server.route("/a", Reply(200, PAGE, {**HTML, "ETag": '"v1"', "Last-Modified": "Wed, 20 May 2020 10:00:00 GMT"}))
    result = only(fetcher.fetch(url))
    assert result.outcome == Outcome.OK and result.http_status == 200
    assert result.body == PAGE and result.bytes == len(PAGE)
    assert result.etag == '"v1"' and result.last_modified.startswith("Wed, 20 May 2020")
    assert result.final_url == url and result.redirects == ()


def test_the_user_agent_names_the_project_and_the_contact_url(server, fetcher):
    fetcher.fetch(server.route("/a", Reply(200, PAGE, HTML)))
    agents = {r.headers["user-agent"] for r in server.requests}
    assert len(agents) == 1  # robots.txt and the page alike
    agent = agents.pop()
    assert agent.startswith("mediamon/") and "+https://example.org/contact" in agent


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 451])
def test_a_client_error_is_asked_once(server, fetcher, status):
    url = server.route("/missing", Reply(status, b"no", HTML))
    result = only(fetcher.fetch(url))
    assert (result.outcome, result.http_status) == (Outcome.HTTP_ERROR, status)
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


def test_a_redirect_to_another_scheme_is_never_followed(server, fetcher):
    server.route("/file", Reply(302, b"", {"Location": "file:///etc/passwd"}))
    result = only(fetcher.fetch(server.url("/file")))
    assert result.outcome == Outcome.INVALID_URL and "file:///etc/passwd" in result.error


@pytest.mark.parametrize("content_type, body", [
    ("application/pdf", b"%PDF-1.4 ..."), ("image/png", b"\x89PNG\r\n\x1a\n"), ("text/plain", b"plain"),
    (None, b"%PDF-1.4 no content type"),
])
def test_non_html_is_not_kept(server, fetcher, content_type, body):
    url = server.route("/doc", Reply(200, body, {"Content-Type": content_type} if content_type else {}))
    result = only(fetcher.fetch(url))
    assert result.outcome == Outcome.NOT_HTML and result.body is None


def test_xhtml_is_html(server, fetcher):
    url = server.route("/x", Reply(200, PAGE, {"Content-Type": "application/xhtml+xml; charset=utf-8"}))
    assert only(fetcher.fetch(url)).outcome == Outcome.OK


def test_size_cap_applies_to_the_decoded_body(server, fetcher):
    big = b"<html><body>" + b"a" * 200_000 + b"</body></html>"
    plain = server.route("/big", Reply(200, big, HTML))
    bomb = server.route("/bomb", Reply(200, gzip.compress(big), {**HTML, "Content-Encoding": "gzip"}))
    assert only(fetcher.fetch(plain)).outcome == Outcome.TOO_LARGE
    assert len(gzip.compress(big)) < 50_000  # small on the wire, too large once decoded
    assert only(fetcher.fetch(bomb)).outcome == Outcome.TOO_LARGE


def test_an_endless_body_is_cut_at_the_cap(server, fetcher):
    declared = server.route("/declared", stream_forever(server, declare_length=60 * 1024 * 1024))
    endless = server.route("/endless", stream_forever(server, declare_length=None))
    result = only(fetcher.fetch(declared))
    assert result.outcome == Outcome.TOO_LARGE and "Content-Length" in result.error
    assert only(fetcher.fetch(endless)).outcome == Outcome.TOO_LARGE


def test_conditional_get_sends_the_stored_validators(server, fetcher):
    def conditional(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, PAGE, {**HTML, "ETag": '"v1"', "Last-Modified": "Wed, 20 May 2020 10:00:00 GMT"})

    url = server.route("/c", conditional)
    assert only(fetcher.fetch(url)).outcome == Outcome.OK
    result = only(fetcher.fetch(url, Validators(etag='"v1"', last_modified="Wed, 20 May 2020 10:00:00 GMT")))
    assert result.outcome == Outcome.NOT_MODIFIED and result.http_status == 304 and result.body is None
    sent = page_requests(server)[-1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == "Wed, 20 May 2020 10:00:00 GMT"


def test_a_connection_is_reused_after_a_complete_answer_and_dropped_after_an_error(server, fetcher):
    def conditional(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, PAGE, {**HTML, "ETag": '"v1"'})

    page, missing = server.route("/k", conditional), server.route("/gone", Reply(404, b"gone", HTML))
    outcomes = [only(fetcher.fetch(page)).outcome, only(fetcher.fetch(page, Validators('"v1"', None))).outcome,
                only(fetcher.fetch(page)).outcome, only(fetcher.fetch(missing)).outcome,
                only(fetcher.fetch(page)).outcome]
    assert outcomes == [Outcome.OK, Outcome.NOT_MODIFIED, Outcome.OK, Outcome.HTTP_ERROR, Outcome.OK]
    ports = [r.handler.client_address[1] for r in server.requests]  # robots.txt (a 404), then the five pages
    assert len(set(ports[1:5])) == 1                    # 200, 304, 200 and the 404 over one connection
    assert ports[1] != ports[0] and ports[5] != ports[4]  # after a 404's unread body: closed, not reused


def test_loopback_is_refused_unless_allowed(server):
    strict = Fetcher(Settings(per_host_delay=0))
    url = server.route("/a", Reply(200, PAGE, HTML))
    result = only(strict.fetch(url))
    strict.close()
    assert result.outcome == Outcome.BLOCKED_ADDRESS and "loopback" in result.error
    assert server.requests == []  # not even robots.txt


def test_redirect_to_a_metadata_or_private_address_is_refused(server, fetcher):
    server.route("/ssrf", Reply(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"}))
    server.route("/lan", Reply(302, b"", {"Location": "http://10.1.2.3/admin"}))
    server.route("/v6", Reply(302, b"", {"Location": f"http://[::1]:{server.port}/"}))
    metadata = only(fetcher.fetch(server.url("/ssrf")))
    assert metadata.outcome == Outcome.BLOCKED_ADDRESS and "metadata" in metadata.error
    assert metadata.final_url == "http://169.254.169.254/latest/meta-data/"
    assert only(fetcher.fetch(server.url("/lan"))).outcome == Outcome.BLOCKED_ADDRESS
    assert only(fetcher.fetch(server.url("/v6"))).outcome == Outcome.BLOCKED_ADDRESS


def test_invalid_and_unresolvable_urls(fetcher, monkeypatch):
    assert only(fetcher.fetch("ftp://example.com/file")).outcome == Outcome.INVALID_URL
    assert only(fetcher.fetch("http://example.com:99999/")).outcome == Outcome.INVALID_URL

    def no_dns(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(guard.socket, "getaddrinfo", no_dns)
    assert only(fetcher.fetch("http://outlet.example/")).outcome == Outcome.DNS_ERROR


def test_refused_connection(fetcher):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = only(fetcher.fetch(f"http://127.0.0.1:{port}/"))
    assert result.outcome == Outcome.CONNECTION_ERROR and result.error.startswith("robots.txt:")


def test_an_unexpected_error_is_recorded_not_raised(server, fetcher, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(fetcher, "_attempt", broken)
    result = only(fetcher.fetch(server.url("/a")))
    assert result.outcome == Outcome.CONNECTION_ERROR and "RuntimeError: a bug" in result.error


def test_a_redirect_with_raw_utf8_in_its_location_is_followed(server, fetcher):
    server.route("/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8", Reply(200, PAGE, HTML))  # /новости
    raw_utf8 = "/новости".encode("utf-8").decode("latin-1")  # what a careless server puts on the wire
    server.route("/moved", Reply(301, b"", {"Location": raw_utf8}))
    result = only(fetcher.fetch(server.url("/moved")))
    assert result.outcome == Outcome.OK and result.final_url.endswith("/новости")


def test_a_redirect_to_a_malformed_url_is_invalid(server, fetcher):
    server.route("/bad", Reply(302, b"", {"Location": "http://[::1/broken"}))
    assert only(fetcher.fetch(server.url("/bad"))).outcome == Outcome.INVALID_URL


def test_each_request_carries_the_session_headers_the_validators_and_the_cookies_the_host_set(server, fetcher):
    first = server.route("/first", Reply(200, PAGE, {**HTML, "Set-Cookie": "consent=yes; Path=/"}))
    second = server.route("/second", Reply(304, b"", {"ETag": '"v2"'}))
    only(fetcher.fetch(first))
    assert only(fetcher.fetch(second, Validators(etag='"v2"'))).outcome == Outcome.NOT_MODIFIED
    sent_first, sent_second = page_requests(server)
    assert "cookie" not in sent_first.headers
    assert sent_second.headers["cookie"] == "consent=yes"
    assert sent_second.headers["if-none-match"] == '"v2"'
    assert sent_second.headers["user-agent"] == sent_first.headers["user-agent"]
    assert sent_second.headers["accept-encoding"] == "gzip, deflate"
