"""robots.txt: fetched once per origin, honoured (Crawl-delay too), with a stated policy for failures."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from fetch import Fetcher
from fetch.robots import agent_token, origin_of
from core.records import Outcome
from core.settings import Settings
from testkit.misbehaving import HTML, MisbehavingServer, hang
from testkit.loopback import Reply, html_page

PAGE = html_page("Title", ["Some article text that is long enough to be an article. " * 5])
FAST = dict(allow_hosts=("127.0.0.1",), per_host_delay=0, per_host_concurrency=8, connect_timeout=5,
            read_timeout=5, total_timeout=10, max_attempts=3, backoff_base=0.01, wayback=False)
ROBOTS = ("User-agent: *\nDisallow: /private/\n\n"
          "User-agent: mediamon\nDisallow: /private/\nDisallow: /no-mediamon/\nAllow: /private/open.html\n")


@pytest.fixture
def server():
    with MisbehavingServer() as srv:
        yield srv


@pytest.fixture
def fetcher():
    f = Fetcher(Settings(**FAST), sleep=lambda seconds: None)
    yield f
    f.close()


def serve_robots(server, text, status=200):
    server.route("/robots.txt", Reply(status, text.encode(), {"Content-Type": "text/plain"}))


def test_a_disallowed_url_is_recorded_and_never_requested(server, fetcher):
    serve_robots(server, ROBOTS)
    for path in ("/private/a.html", "/no-mediamon/b.html", "/private/open.html", "/news/c.html"):
        server.route(path, Reply(200, PAGE, HTML))
    verdicts = {path: fetcher.fetch(server.url(path))[-1] for path in
                ("/private/a.html", "/no-mediamon/b.html", "/private/open.html", "/news/c.html")}
    assert {p: r.outcome for p, r in verdicts.items()} == {
        "/private/a.html": Outcome.ROBOTS_DISALLOWED, "/no-mediamon/b.html": Outcome.ROBOTS_DISALLOWED,
        "/private/open.html": Outcome.OK, "/news/c.html": Outcome.OK}
    assert "robots.txt" in verdicts["/private/a.html"].error
    assert server.hits("/private/a.html") == server.hits("/no-mediamon/b.html") == 0
    assert server.hits("/robots.txt") == 1


def test_robots_txt_is_fetched_once_per_origin_even_under_concurrency(server, fetcher):
    serve_robots(server, "User-agent: *\nDisallow:\n")
    urls = [server.route(f"/n/{i}", Reply(200, PAGE, HTML)) for i in range(12)]
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(fetcher.fetch, urls))
    assert all(r[-1].outcome == Outcome.OK for r in results)
    assert server.hits("/robots.txt") == 1


def test_a_redirect_into_a_disallowed_path_is_not_followed(server, fetcher):
    serve_robots(server, ROBOTS)
    server.route("/go", Reply(302, b"", {"Location": "/private/x.html"}))
    [result] = fetcher.fetch(server.url("/go"))
    assert result.outcome == Outcome.ROBOTS_DISALLOWED and result.final_url == server.url("/private/x.html")
    assert server.hits("/private/x.html") == 0


@pytest.mark.parametrize("status", [404, 410, 401, 403])
def test_a_missing_robots_txt_allows_everything(server, fetcher, status):
    serve_robots(server, "", status)
    url = server.route("/a", Reply(200, PAGE, HTML))
    assert fetcher.fetch(url)[-1].outcome == Outcome.OK
    assert server.hits("/robots.txt") == 1  # a 4xx is not retried


@pytest.mark.parametrize("status", [500, 503, 429])
def test_an_erroring_robots_txt_disallows_the_origin_for_the_run(server, fetcher, status):
    serve_robots(server, "", status)
    url = server.route("/a", Reply(200, PAGE, HTML))
    [result] = fetcher.fetch(url)
    assert result.outcome == Outcome.ROBOTS_DISALLOWED and f"HTTP {status}" in result.error
    assert server.hits("/a") == 0
    assert server.hits("/robots.txt") == 3  # retried like any transient failure, then final


def test_an_unreachable_robots_txt_ends_the_url_with_the_same_failure(server):
    fetcher = Fetcher(Settings(**dict(FAST, connect_timeout=1, read_timeout=0.4, total_timeout=1.0)),
                      sleep=lambda seconds: None)
    server.route("/robots.txt", hang(server))
    url = server.route("/a", Reply(200, PAGE, HTML))
    [result] = fetcher.fetch(url)
    assert result.outcome == Outcome.TIMEOUT and result.error.startswith("robots.txt:")
    assert server.hits("/a") == 0
    assert fetcher.fetch(url)[-1].outcome == Outcome.TIMEOUT and server.hits("/robots.txt") == 3  # cached


def test_robots_txt_through_a_redirect_and_in_any_content_type(server, fetcher):
    server.route("/robots.txt", Reply(301, b"", {"Location": "/real-robots"}))
    server.route("/real-robots", Reply(200, b"User-agent: *\nDisallow: /x/\n", {"Content-Type": "application/octet-stream"}))
    server.route("/x/a", Reply(200, PAGE, HTML))
    assert fetcher.fetch(server.url("/x/a"))[-1].outcome == Outcome.ROBOTS_DISALLOWED


def test_crawl_delay_spaces_requests_when_larger_than_the_setting(server, fetcher):
    serve_robots(server, "User-agent: *\nCrawl-delay: 0.3\n")
    starts, lock = [], threading.Lock()

    def timed(_request):
        with lock:
            starts.append(time.monotonic())
        return Reply(200, PAGE, HTML)

    urls = [server.route(f"/p/{i}", timed) for i in range(3)]
    with ThreadPoolExecutor(3) as pool:
        assert all(r[-1].outcome == Outcome.OK for r in pool.map(fetcher.fetch, urls))
    starts.sort()
    assert all(later - earlier >= 0.25 for earlier, later in zip(starts, starts[1:]))  # 0.3 s apart at the client


def test_crawl_delay_is_capped(server):
    serve_robots(server, "User-agent: *\nCrawl-delay: 86400\n")
    f = Fetcher(Settings(**{**FAST, "max_crawl_delay": 0.05}))
    rules = f.robots.rules_for(server.url("/a"))
    assert f._delay(rules) == 0.05
    f.close()


def test_origin_and_agent_token():
    assert origin_of("HTTP://News.Example.com:80/a?b") == "http://news.example.com"
    assert origin_of("https://example.com:8443/") == "https://example.com:8443"
    assert agent_token("mediamon/0.1.0 (+https://example.org; crawler)") == "mediamon"
