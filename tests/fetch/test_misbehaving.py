"""The fetcher against a misbehaving server: retries, time bounds, broken transfers, the pinned guard."""
import socket
import time

import pytest

from fetch import Fetcher, guard
from fetch import pinned
from core.records import Outcome
from core.settings import Settings
from testkit.misbehaving import (HTML, MisbehavingServer, drip_body, drip_headers, flaky, hang, random_bytes,
                                     reset, truncated)
from testkit.loopback import Reply, html_page

PAGE = html_page("Title", ["Some article text that is long enough to be an article. " * 5])
FAST = dict(allow_hosts=("127.0.0.1",), per_host_delay=0, per_host_concurrency=8, connect_timeout=5,
            read_timeout=5, total_timeout=10, max_bytes=50_000, max_attempts=3, backoff_base=0.01,
            retry_after_cap=30, wayback=False)  # the web-archive fallback: tests/flows/test_wayback.py
# only for servers that hang or drip by design: short bounds keep those tests fast, and a slow
# machine cannot make a well-behaved response look like a timeout elsewhere
IMPATIENT = dict(FAST, connect_timeout=1, read_timeout=0.4, total_timeout=1.0)


@pytest.fixture
def server():
    with MisbehavingServer() as srv:
        yield srv


@pytest.fixture
def pauses():
    return []


@pytest.fixture
def fetcher(pauses):
    f = Fetcher(Settings(**FAST), sleep=pauses.append)
    yield f
    f.close()


@pytest.fixture
def impatient(pauses):
    f = Fetcher(Settings(**IMPATIENT), sleep=pauses.append)
    yield f
    f.close()


def outcomes(results):
    return [r.outcome for r in results]


# -- retries ------------------------------------------------------------------------------------
def test_503_twice_then_200_ends_as_the_page(server, fetcher):
    url = server.route("/busy", flaky([Reply(503, b"busy"), Reply(503, b"busy")], Reply(200, PAGE, HTML)))
    results = fetcher.fetch(url)
    assert outcomes(results) == [Outcome.HTTP_ERROR, Outcome.HTTP_ERROR, Outcome.OK]
    assert [r.http_status for r in results] == [503, 503, 200]
    assert server.hits("/busy") == 3


def test_a_500_is_retried_a_bounded_number_of_times(server, fetcher, pauses):
    url = server.route("/broken", Reply(500, b"error", HTML))
    results = fetcher.fetch(url)
    assert outcomes(results) == [Outcome.HTTP_ERROR] * 3
    assert server.hits("/broken") == 3
    assert "gave up after 3 attempts" in results[-1].error
    assert len(pauses) == 2 and 0.005 <= pauses[0] <= 0.01 and 0.01 <= pauses[1] <= 0.02  # doubling, jittered


def test_retry_after_seconds_is_honoured(server, fetcher, pauses):
    url = server.route("/rate", flaky([Reply(429, b"slow down", {"Retry-After": "7"})], Reply(200, PAGE, HTML)))
    assert outcomes(fetcher.fetch(url)) == [Outcome.HTTP_ERROR, Outcome.OK]
    assert pauses == [7.0]


def test_retry_after_as_an_http_date_is_honoured(server, fetcher, pauses):
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 20))
    url = server.route("/rate", flaky([Reply(503, b"", {"Retry-After": later})], Reply(200, PAGE, HTML)))
    assert outcomes(fetcher.fetch(url)) == [Outcome.HTTP_ERROR, Outcome.OK]
    assert 17 <= pauses[0] <= 20


def test_a_retry_after_over_the_cap_is_not_waited_for(server, fetcher, pauses):
    url = server.route("/later", Reply(429, b"", {"Retry-After": "3600"}))
    [result] = fetcher.fetch(url)
    assert result.outcome == Outcome.HTTP_ERROR and "over the 30s cap" in result.error
    assert pauses == [] and server.hits("/later") == 1


def test_408_is_retried(server, fetcher):
    url = server.route("/r", flaky([Reply(408, b"")], Reply(200, PAGE, HTML)))
    assert outcomes(fetcher.fetch(url)) == [Outcome.HTTP_ERROR, Outcome.OK]


# -- time bounds --------------------------------------------------------------------------------
def test_a_server_that_never_answers_times_out_on_every_attempt(server, impatient):
    url = server.route("/hang", hang(server))
    results = impatient.fetch(url)
    assert outcomes(results) == [Outcome.TIMEOUT] * 3 and server.hits("/hang") == 3
    assert all(r.elapsed_ms < 1500 for r in results)


@pytest.mark.parametrize("fault", [drip_body, drip_headers])
def test_a_dripping_server_is_cut_at_the_total_deadline(server, impatient, fault):
    url = server.route("/drip", fault(server, every=0.1))  # each byte well inside the 0.4 s read timeout
    started = time.monotonic()
    results = impatient.fetch(url)
    assert outcomes(results) == [Outcome.TIMEOUT] * 3
    assert all(900 <= r.elapsed_ms < 1600 for r in results)  # the 1 s total deadline, not the read timeout
    assert time.monotonic() - started < 5


# -- broken transfers and bad input -------------------------------------------------------------
def test_a_truncated_body_is_a_connection_error(server, fetcher):
    url = server.route("/cut", truncated(PAGE, 100))
    results = fetcher.fetch(url)
    assert outcomes(results) == [Outcome.CONNECTION_ERROR] * 3 and server.hits("/cut") == 3


def test_a_connection_reset_is_a_connection_error(server, fetcher):
    url = server.route("/reset", reset)
    assert outcomes(fetcher.fetch(url)) == [Outcome.CONNECTION_ERROR] * 3


def test_a_broken_gzip_stream_is_a_connection_error(server, fetcher):
    url = server.route("/gz", Reply(200, b"\x1f\x8b\x08\x00garbage-not-deflate", {**HTML, "Content-Encoding": "gzip"}))
    assert outcomes(fetcher.fetch(url))[-1] == Outcome.CONNECTION_ERROR


@pytest.mark.parametrize("body", [b"", random_bytes(), b"<html><body><script>app()</script></body></html>"])
def test_empty_random_or_script_only_bodies_are_fetched_as_they_are(server, fetcher, body):
    url = server.route("/odd", Reply(200, body, HTML))
    [result] = fetcher.fetch(url)
    assert result.outcome == Outcome.OK and (result.body or b"") == body  # extraction decides what they are


# -- the address guard is enforced on the connected address -------------------------------------
def test_the_connection_goes_to_the_vetted_address_not_a_second_lookup(server, monkeypatch):
    real_getaddrinfo, lookups, connects = socket.getaddrinfo, [], []

    def resolver(host, *args, **kwargs):
        if host == "outlet.test":
            lookups.append(host)
            return real_getaddrinfo("127.0.0.1", *args, **kwargs)
        return real_getaddrinfo(host, *args, **kwargs)

    real_connect = pinned.connection.create_connection

    def recording_connect(address, *args, **kwargs):
        connects.append(address[0])
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(guard.socket, "getaddrinfo", resolver)
    monkeypatch.setattr(pinned.connection, "create_connection", recording_connect)
    server.route("/a", Reply(200, PAGE, HTML))
    f = Fetcher(Settings(**FAST))
    [result] = f.fetch(f"http://outlet.test:{server.port}/a")
    f.close()
    assert result.outcome == Outcome.OK
    assert connects and set(connects) == {"127.0.0.1"}  # an address literal: nothing resolves the name again
    assert len(lookups) == len(connects)                # one lookup per new connection, checked before use


def test_a_name_with_any_forbidden_answer_is_refused_before_connecting(server, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host == "mixed.test":
            return real_getaddrinfo("127.0.0.1", port, *args, **kwargs) + real_getaddrinfo("10.0.0.7", port, *args, **kwargs)
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(guard.socket, "getaddrinfo", resolver)
    f = Fetcher(Settings(**FAST))
    [result] = f.fetch(f"http://mixed.test:{server.port}/a")
    f.close()
    assert result.outcome == Outcome.BLOCKED_ADDRESS and "10.0.0.7" in result.error
    assert server.requests == []


@pytest.mark.parametrize("address, reason", [
    ("127.0.0.1", "loopback"), ("10.0.0.1", "private"), ("192.168.1.1", "private"), ("169.254.169.254", "metadata"),
    ("169.254.10.10", "link-local"), ("224.0.0.1", "multicast"), ("::1", "loopback"), ("fe80::1", "link-local"),
    ("::ffff:127.0.0.1", "loopback"), ("100.64.0.1", "non-public"), ("0.0.0.0", "unspecified"),
])
def test_forbidden_addresses(address, reason):
    import ipaddress

    assert reason in guard.forbidden_reason(ipaddress.ip_address(address))


def test_public_addresses_pass():
    import ipaddress

    assert guard.forbidden_reason(ipaddress.ip_address("93.184.216.34")) is None
    assert guard.forbidden_reason(ipaddress.ip_address("2606:4700::1111")) is None


# -- TLS ----------------------------------------------------------------------------------------
@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS loopback server with a self-signed certificate (needs the openssl command)."""
    import shutil
    import ssl
    import subprocess
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.handle_error = lambda request, client_address: None
    thread = threading.Thread(target=lambda: httpd.serve_forever(poll_interval=0.05), daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_untrusted_certificate_is_a_tls_error(tls_server, fetcher):
    [result] = fetcher.fetch(tls_server + "/news.html")
    assert result.outcome == Outcome.TLS_ERROR and "CERTIFICATE_VERIFY_FAILED" in result.error
