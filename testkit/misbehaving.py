"""A misbehaving web on loopback: the faults small 2020 news sites really show, one handler each.

Each fault is bounded and ends when ``server.release`` is set (shutdown), so nothing outlives a test.
``install_cases`` puts one URL of every kind on a server, with the outcome each must end as; the
must-show scenario (``benchmarks/misbehaving_seed.py``) and its test use it.
"""
from __future__ import annotations

import random
import socket
import struct
import threading
import zlib
from dataclasses import dataclass
from functools import cache

from testkit.loopback import LoopbackServer, Reply, Request

HTML = {"Content-Type": "text/html; charset=utf-8"}
ROBOTS_TXT = b"User-agent: *\nDisallow: /private/\n"

RUSSIAN = ("Азербайджанцы России выступили с обращением к мировому сообществу. Представители диаспоры "
           "заявили, что так называемые выборы в Нагорном Карабахе не имеют никакой юридической силы, и "
           "призвали международные организации не признавать их итоги. Обращение подписали общины Москвы, "
           "Самары, Оренбурга и других городов, а также молодёжные союзы и землячества.")
TURKISH = ("Ermenistan işgalindeki Dağlık Karabağ'da yapılan sözde seçimlere diaspora kuruluşlarından sert "
           "tepki geldi. Açıklamada, bölgenin Azerbaycan toprağı olduğu ve seçimlerin hiçbir hukuki geçerliliği "
           "bulunmadığı vurgulandı. Türkiye, Gürcistan ve Avrupa'daki dernekler uluslararası topluma çağrıda "
           "bulunarak sözde rejimin tanınmamasını istedi; ortak bildiri sosyal ağlarda geniş yankı uyandırdı.")
UKRAINIAN = ("Українська громада азербайджанців звернулася до міжнародної спільноти із закликом не визнавати "
             "так звані вибори в Нагірному Карабасі. Учасники зібрання наголосили, що ця територія є "
             "невід'ємною частиною Азербайджану, а голосування порушує норми міжнародного права. Звернення "
             "підтримали громадські організації Києва, Одеси, Харкова та інших міст.")
ENGLISH = ("The municipal council approved the new budget for road repairs on Tuesday evening after a long "
           "debate about school buses, street lighting and the renovation of the central library building. ")


def article_page(title: str, text: str, lang: str = "en", meta_charset: str | None = None) -> str:
    """A small news page; ``meta_charset`` None: no charset declared in the page."""
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={meta_charset}">' if meta_charset else ""
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title></head><body>'
            f"<header><nav><a href='/'>Home</a></nav></header><article><h1>{title}</h1>"
            f"<p>{text}</p><p>{text}</p></article><footer>(c) site</footer></body></html>")


class MisbehavingServer(LoopbackServer):
    """The loopback server, shutting down quickly (a 50 ms poll) for fault-heavy tests."""

    def __init__(self) -> None:
        super().__init__()
        self._thread = threading.Thread(target=lambda: self._httpd.serve_forever(poll_interval=0.05), daemon=True)
        self._httpd.handle_error = lambda request, client_address: None  # clients hanging up on faults is the point

    def __enter__(self) -> "MisbehavingServer":
        super().__enter__()
        return self


# -- faults: each returns a handler for server.route ------------------------------------------------
def _write(request: Request, data: bytes) -> bool:
    """Send raw bytes; False once the client has gone."""
    try:
        request.handler.wfile.write(data)
        request.handler.wfile.flush()
        return True
    except OSError:
        return False


def _head(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def hang(server: LoopbackServer, most: float = 300.0):
    """Accept the request and never answer (until shutdown)."""
    def handler(request: Request) -> None:
        request.handler.close_connection = True
        server.release.wait(most)
    return handler


def drip_body(server: LoopbackServer, every: float, length: int = 10_000):
    """Headers at once, then one body byte every ``every`` seconds: each read succeeds, the whole never ends."""
    def handler(request: Request) -> None:
        request.handler.close_connection = True
        if not _write(request, _head(200, {**HTML, "Content-Length": str(length)})):
            return
        for _ in range(length):
            if server.release.wait(every) or not _write(request, b" "):
                return
    return handler


def drip_headers(server: LoopbackServer, every: float):
    """The status line and then header bytes, one every ``every`` seconds, never finishing the headers."""
    def handler(request: Request) -> None:
        request.handler.close_connection = True
        if not _write(request, b"HTTP/1.1 200 OK\r\n"):
            return
        for _ in range(100_000):
            if server.release.wait(every) or not _write(request, b"X"):
                return
    return handler


def reset(request: Request) -> None:
    """Close the connection with a TCP reset as soon as the request arrives."""
    request.handler.close_connection = True
    request.handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    request.handler.connection.close()


def truncated(body: bytes, sent: int):
    """Declare the whole body's length, send only its first ``sent`` bytes, then close."""
    def handler(request: Request) -> None:
        request.handler.close_connection = True
        _write(request, _head(200, {**HTML, "Content-Length": str(len(body))}) + body[:sent])
    return handler


def stream_forever(server: LoopbackServer, declare_length: int | None, most: int = 200 * 1024 * 1024):
    """A huge page sent 64 KiB at a time until the client stops reading (no memory held here)."""
    block = (b"<p>" + b"filler " * 9000 + b"</p>\n")[: 64 * 1024]

    def handler(request: Request) -> None:
        request.handler.close_connection = True
        headers = dict(HTML)
        if declare_length is not None:
            headers["Content-Length"] = str(declare_length)
        if not _write(request, _head(200, headers) + b"<html><body>"):
            return
        for _ in range(most // len(block)):
            if server.release.is_set() or not _write(request, block):
                return
    return handler


def flaky(failures: list[Reply], then: Reply):
    """Answer ``failures`` in turn to the first requests, then ``then`` to every later one."""
    lock, served = threading.Lock(), [0]

    def handler(_request: Request) -> Reply:
        with lock:
            index, served[0] = served[0], served[0] + 1
        return failures[index] if index < len(failures) else then
    return handler


@cache
def gzip_bomb(decoded_bytes: int = 64 * 1024 * 1024) -> bytes:
    """``decoded_bytes`` of zeros, gzip-compressed to about a thousandth of that."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(decoded_bytes // len(zeros))]
    return b"".join(parts) + packer.flush()


def random_bytes(size: int = 20_000) -> bytes:
    return random.Random(4).randbytes(size)


@dataclass(frozen=True, slots=True)
class Case:
    kind: str
    path: str
    expected: str              # the outcome the URL must end as
    contains: str | None = None  # text the stored article must contain


def install_cases(server: LoopbackServer, drip_every: float) -> list[Case]:
    """Route one URL of every misbehaviour on ``server``; return what each must end as."""
    ok = article_page("Budget", ENGLISH * 3).encode()
    cases: list[tuple[Case, object]] = [
        (Case("ok", "/news/ok.html", "ok", "municipal council"), Reply(200, ok, HTML)),
        (Case("robots_disallowed", "/private/leak.html", "robots_disallowed"), Reply(200, ok, HTML)),
        (Case("503_twice_then_200", "/news/busy.html", "ok", "municipal council"),
         flaky([Reply(503, b"busy"), Reply(503, b"busy")], Reply(200, ok, HTML))),
        (Case("429_then_200", "/news/rate.html", "ok", "municipal council"),
         flaky([Reply(429, b"slow down", {"Retry-After": "1"})], Reply(200, ok, HTML))),
        (Case("408_then_200", "/news/slow-request.html", "ok", "municipal council"),
         flaky([Reply(408, b"")], Reply(200, ok, HTML))),
        (Case("404", "/news/gone.html", "http_error"), Reply(404, b"not found", HTML)),
        (Case("410", "/news/deleted.html", "http_error"), Reply(410, b"gone", HTML)),
        (Case("500_always", "/news/broken.html", "http_error"), Reply(500, b"error", HTML)),
        (Case("hang", "/slow/hang.html", "timeout"), hang(server)),
        (Case("drip_body", "/slow/drip.html", "timeout"), drip_body(server, drip_every)),
        (Case("drip_headers", "/slow/drip-headers.html", "timeout"), drip_headers(server, drip_every)),
        (Case("gzip_bomb", "/big/bomb.html", "too_large"),
         Reply(200, gzip_bomb(), {**HTML, "Content-Encoding": "gzip"})),
        (Case("huge_declared", "/big/huge.html", "too_large"), stream_forever(server, 60 * 1024 * 1024)),
        (Case("huge_undeclared", "/big/endless.html", "too_large"), stream_forever(server, None)),
        (Case("pdf", "/files/report.pdf", "not_html"), Reply(200, b"%PDF-1.4\n%...", {"Content-Type": "application/pdf"})),
        (Case("image", "/files/photo.png", "not_html"), Reply(200, b"\x89PNG\r\n\x1a\n....", {"Content-Type": "image/png"})),
        (Case("redirect_chain", "/moved/a.html", "ok", "municipal council"), Reply(301, b"", {"Location": "/moved/b.html"})),
        (Case("redirect_loop", "/loop/a.html", "redirect_loop"), Reply(302, b"", {"Location": "/loop/b.html"})),
        (Case("ssrf_metadata", "/out/metadata.html", "blocked_address"),
         Reply(302, b"", {"Location": "http://169.254.169.254/latest/meta-data/"})),
        (Case("ssrf_private", "/out/router.html", "blocked_address"), Reply(302, b"", {"Location": "http://192.168.1.1/"})),
        (Case("redirect_file_scheme", "/out/file.html", "invalid_url"), Reply(302, b"", {"Location": "file:///etc/passwd"})),
        (Case("cp1251_header", "/ru/news.html", "ok", RUSSIAN[:40]),
         Reply(200, article_page("Обращение", RUSSIAN, "ru").encode("cp1251"),
               {"Content-Type": "text/html; charset=windows-1251"})),
        (Case("cp1254_meta", "/tr/haber.html", "ok", TURKISH[:40]),
         Reply(200, article_page("Tepki", TURKISH, "tr", "windows-1254").encode("cp1254"), {"Content-Type": "text/html"})),
        (Case("cp1251_undeclared", "/ua/novyny.html", "ok", UKRAINIAN[:40]),
         Reply(200, article_page("Звернення", UKRAINIAN, "uk").encode("cp1251"), {"Content-Type": "text/html"})),
        (Case("cp1254_misdeclared", "/tr/yanlis.html", "ok", TURKISH[:40]),
         Reply(200, article_page("Tepki", TURKISH, "tr", "windows-1254").encode("cp1254"),
               {"Content-Type": "text/html; charset=iso-8859-1"})),
        (Case("truncated", "/broken/truncated.html", "connection_error"), truncated(ok, 300)),
        (Case("reset", "/broken/reset.html", "connection_error"), reset),
        (Case("empty_body", "/broken/empty.html", "empty_extraction"), Reply(200, b"", HTML)),
        (Case("random_bytes", "/broken/noise.html", "empty_extraction"), Reply(200, random_bytes(), HTML)),
        (Case("javascript_only", "/app/index.html", "empty_extraction"),
         Reply(200, b"<html><head><script src='/app.js'></script></head><body><div id='root'></div>"
                    b"<script>render(document.getElementById('root'))</script></body></html>", HTML)),
    ]
    server.route("/robots.txt", Reply(200, ROBOTS_TXT, {"Content-Type": "text/plain"}))
    server.route("/moved/b.html", Reply(302, b"", {"Location": "/news/final.html"}))
    server.route("/news/final.html", Reply(200, ok, HTML))
    server.route("/loop/b.html", Reply(302, b"", {"Location": "/loop/a.html"}))
    for case, handler in cases:
        server.route(case.path, handler)
    return [case for case, _ in cases]
