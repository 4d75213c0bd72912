"""Must-show (issue 21): redirects as browsers take them, on a loopback server. A page that redirects
itself (meta refresh, a one-line script) is one more hop, checked as an HTTP redirect is; a Location
with raw UTF-8 bytes is followed, whatever the archive; targets are resolved and named canonically."""
import gzip
import zlib

import pytest

from archive.reader import read_response
from archive.writer import WarcArchive
from core.records import Outcome
from core.settings import Settings
from extractors.links import canonical_url
from fetch import Fetcher
from fetch.refresh import refresh_target
from testkit import not_articles as pages
from testkit.misbehaving import MisbehavingServer, ROBOTS_TXT
from testkit.loopback import Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
FAST = dict(allow_hosts=("127.0.0.1",), per_host_delay=0, per_host_concurrency=4, connect_timeout=5,
            read_timeout=5, total_timeout=10, max_bytes=200_000, max_redirects=3, max_attempts=3,
            backoff_base=0.01, retry_after_cap=5, wayback=False)


@pytest.fixture
def server():
    with MisbehavingServer() as srv:
        srv.route("/robots.txt", Reply(200, ROBOTS_TXT, {"Content-Type": "text/plain"}))
        yield srv


@pytest.fixture
def archive(tmp_path):
    warcs = WarcArchive(tmp_path / "warc")
    yield warcs
    warcs.close()


@pytest.fixture
def fetcher(archive):
    f = Fetcher(Settings(**FAST), sleep=lambda seconds: None, archive=archive, canonical=canonical_url)
    yield f
    f.close()


def only(results):
    assert len(results) == 1, results
    return results[0]


def stored(archive, result):
    archive.flush()
    return read_response(archive.folder, result.warc_file, result.warc_offset)


def raw_header(text: str) -> str:
    """What a careless server puts in a header: the UTF-8 bytes of ``text`` (http.server sends latin-1)."""
    return text.encode("utf-8").decode("latin-1")


# -- pages that redirect themselves ----------------------------------------------------------------------
@pytest.mark.parametrize("lang, stub", [
    ("tr", lambda target: pages.meta_refresh_stub(target)),
    ("ru", lambda target: pages.script_redirect_stub(target, "href")),
    ("en", lambda target: pages.script_redirect_stub(target, "replace")),
    ("ru", lambda target: pages.script_redirect_stub(target, "window")),  # "https:\/\/..." as JSON writes it
])
def test_a_page_that_redirects_itself_is_followed_to_the_article(server, fetcher, archive, lang, stub):
    article = server.route(f"/{lang}/haber/2020/appeal", Reply(200, pages.article(lang), HTML))
    mobile = server.route("/m/appeal", Reply(200, stub(article), HTML))
    result = only(fetcher.fetch(mobile))
    assert result.outcome == Outcome.OK and result.final_url == article and result.redirects == (article,)
    assert result.body == pages.article(lang)
    stub_record = [r for r in server.requests if r.path == "/m/appeal"]
    assert len(stub_record) == 1  # asked once; its bytes are in the archive like any hop's
    assert stored(archive, result).body == pages.article(lang)


@pytest.mark.parametrize("stub", [
    pages.meta_refresh_stub("/elsewhere", wait=30),                                   # a reader sees the page first
    b"<html><head><!--[if lte IE 9]><meta http-equiv='refresh' content='0;url=/old.html'><![endif]--></head>"
    b"<body><p>story</p></body></html>",                                              # only for old IE
    b"<html><head><noscript><meta http-equiv='refresh' content='0; url=/nojs'></noscript></head><body>x</body></html>",
    b"<html><head><meta http-equiv='refresh' content='300'></head><body>reloads itself</body></html>",
    pages.article("ru", extra="<script>window.location.href = '/elsewhere';</script>"),  # a real page with a script
])
def test_what_a_browser_would_not_take_is_not_followed(server, fetcher, stub):
    url = server.route("/news/page", Reply(200, stub, HTML))
    result = only(fetcher.fetch(url))
    assert result.outcome == Outcome.OK and result.final_url == url and result.redirects == ()


def test_a_page_refreshing_to_itself_is_a_reload_not_a_loop(server, fetcher):
    url = server.route("/news/live", Reply(200, pages.meta_refresh_stub("/news/live"), HTML))
    result = only(fetcher.fetch(url))
    assert result.outcome == Outcome.OK and result.redirects == () and server.hits("/news/live") == 1


def test_page_redirects_count_against_the_hop_limit(server, fetcher):
    for n in range(5):
        server.route(f"/hop/{n}", Reply(200, pages.meta_refresh_stub(f"/hop/{n + 1}"), HTML))
    result = only(fetcher.fetch(server.url("/hop/0")))
    assert result.outcome == Outcome.REDIRECT_LOOP and len(result.redirects) == 4  # the limit is 3 redirects


@pytest.mark.parametrize("target, outcome", [
    ("/private/leak.html", Outcome.ROBOTS_DISALLOWED),
    ("http://169.254.169.254/latest/meta-data/", Outcome.BLOCKED_ADDRESS),
    ("http://192.168.1.1/", Outcome.BLOCKED_ADDRESS),
    ("file:///etc/passwd", Outcome.INVALID_URL),
])
def test_a_page_redirect_gets_the_checks_of_an_http_redirect(server, fetcher, target, outcome):
    server.route("/private/leak.html", Reply(200, pages.article("en"), HTML))
    for style, stub in (("meta", pages.meta_refresh_stub(target)), ("script", pages.script_redirect_stub(target))):
        url = server.route(f"/out/{style}", Reply(200, stub, HTML))
        assert fetcher.fetch(url)[-1].outcome == outcome, style
    assert server.hits("/private/leak.html") == 0


def test_refresh_targets_are_read_from_the_markup_as_written():
    assert refresh_target(b'<meta content="0;URL=\'/a?b=1&amp;c=2\'" http-equiv="Refresh">') == "/a?b=1&c=2"
    assert refresh_target(b"<META HTTP-EQUIV=REFRESH CONTENT='1; url=http://x.example/y'>") == "http://x.example/y"
    assert refresh_target(b'<meta http-equiv="refresh" content="0;/haber/da\xc4\x9f">') == "/haber/dağ"
    assert refresh_target(b"<meta name='refresh' content='0;url=/a'>") is None  # not http-equiv
    assert refresh_target(b"<script src='/app.js'>location.href='/x'</script>") is None


# -- Location headers as browsers read them ---------------------------------------------------------------
@pytest.mark.parametrize("location, served_at", [
    ("/haber/dağlık-karabağ", "/haber/da%C4%9Fl%C4%B1k-karaba%C4%9F"),                     # tr, the case
    ("/новости/карабах", "/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/%D0%BA%D0%B0%D1%80%D0%B0%D0%B1%D0%B0%D1%85"),
    ("/news/a story?utm_source=feed", "/news/a%20story"),                                  # en: a space, a tracker
    ("haber/dağlık-karabağ", "/moved/haber/da%C4%9Fl%C4%B1k-karaba%C4%9F"),               # relative
    ("//127.0.0.1:{port}/haber/dağlık-karabağ", "/haber/da%C4%9Fl%C4%B1k-karaba%C4%9F"),  # protocol-relative
    ("  \\haber\\dağlık-karabağ  ", "/haber/da%C4%9Fl%C4%B1k-karaba%C4%9F"),              # spaces, backslashes
])
def test_a_location_is_read_as_a_browser_reads_it_and_named_canonically(server, fetcher, archive, location, served_at):
    server.route(served_at, Reply(200, pages.article("tr"), HTML))
    server.route("/moved/old", Reply(301, b"", {"Location": raw_header(location.format(port=server.port))}))
    result = only(fetcher.fetch(server.url("/moved/old")))
    assert result.outcome == Outcome.OK, result.error
    assert result.final_url == server.url(served_at) == canonical_url(server.url(served_at))
    assert server.hits(served_at) == 1
    assert stored(archive, result).url == server.url(served_at)


def test_a_location_in_a_legacy_charset_is_sent_byte_for_byte(server, fetcher):
    server.route("/haber/da%F0l%FDk", Reply(200, pages.article("tr"), HTML))
    server.route("/moved", Reply(302, b"", {"Location": "/haber/dağlık".encode("cp1254").decode("latin-1")}))
    result = only(fetcher.fetch(server.url("/moved")))
    assert result.outcome == Outcome.OK and result.final_url == server.url("/haber/da%F0l%FDk")


def test_an_international_host_is_archived_in_ascii(server, archive, monkeypatch):
    import socket

    from fetch import guard
    real = socket.getaddrinfo
    monkeypatch.setattr(guard.socket, "getaddrinfo",
                        lambda host, *a, **k: real("127.0.0.1" if host.startswith("xn--") else host, *a, **k))
    server.route("/haber", Reply(200, pages.article("tr"), HTML))
    f = Fetcher(Settings(**{**FAST, "allow_hosts": ("127.0.0.1", "xn--haber-ova.test")}), archive=archive)
    result = only(f.fetch(f"http://haberğ.test:{server.port}/haber"))
    f.close()
    assert result.outcome == Outcome.OK, result.error
    assert stored(archive, result).url.startswith("http://xn--")


# -- bodies that are not what their Content-Encoding says ---------------------------------------------------
def _deflate(data: bytes) -> bytes:
    return zlib.compress(data)


@pytest.mark.parametrize("lang, body, coding, says", [
    ("tr", lambda page: page, "gzip", "not valid gzip data"),                        # plain HTML declared gzip
    ("ru", lambda page: gzip.compress(page)[:40] + b"\x00garbage" * 20, "gzip", "not valid gzip data"),
    ("en", lambda page: gzip.compress(page), "deflate", "not valid deflate data"),  # gzip declared deflate
    ("tr", lambda page: gzip.compress(gzip.compress(page)), "gzip", "compressed twice"),
    ("ru", lambda page: b"\x1b\x03\x00\xf8\xa5garbage", "br", "Content-Encoding br"),
    ("en", lambda page: b"\x28\xb5\x2f\xfd\x00garbage", "zstd", "Content-Encoding zstd"),
])
def test_an_undecodable_body_is_a_recorded_outcome_with_a_clear_error(server, fetcher, archive, lang, body, coding,
                                                                       says):
    url = server.route(f"/{lang}/packed", Reply(200, body(pages.article(lang)), {**HTML, "Content-Encoding": coding}))
    result = only(fetcher.fetch(url))  # asked once: the whole body came, asking again cannot help
    assert result.outcome == Outcome.CONNECTION_ERROR and result.http_status == 200
    assert result.error.startswith("undecodable body: ") and says in result.error
    assert server.hits(f"/{lang}/packed") == 1
    record = stored(archive, result)
    assert record.status == 200 and record.header("WARC-Truncated") in (None, "unspecified")


def test_a_correctly_encoded_body_and_a_stray_token_still_decode(server, fetcher):
    for n, (coding, encode) in enumerate((("gzip", gzip.compress), ("deflate", _deflate),
                                          ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))), ("utf-8", bytes))):
        url = server.route(f"/ok/{n}", Reply(200, encode(pages.article("tr")), {**HTML, "Content-Encoding": coding}))
        result = only(fetcher.fetch(url))
        assert (result.outcome, result.body) == (Outcome.OK, pages.article("tr")), coding


# -- challenge headers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("status, header", [(403, ("cf-mitigated", "challenge")), (503, ("cf-mitigated", "challenge")),
                                            (200, ("x-amzn-waf-action", "captcha"))])
def test_a_challenge_header_makes_a_bot_challenge_whatever_the_status(server, fetcher, status, header):
    url = server.route("/guarded", Reply(status, pages.challenge_with_platform_script(), {**HTML, header[0]: header[1]}))
    result = only(fetcher.fetch(url))  # not retried, even as a 503
    assert (result.outcome, result.http_status) == (Outcome.BOT_CHALLENGE, status)
    assert f"{header[0]}: {header[1]}" in result.error and result.body is None
