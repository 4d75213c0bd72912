"""A loopback HTTP server for tests: routes map a path to a handler; every request is recorded."""
from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[["Request"], Reply | None]  # None: the handler wrote the response itself


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    handler: BaseHTTPRequestHandler


class LoopbackServer:
    """Serves ``routes`` on 127.0.0.1 from a background thread; ``requests`` lists what it received.
    A path no route names gets ``fallback``'s answer when one is set (a CMS answering every address),
    else a plain 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.fallback: Handler | None = None
        self.requests: list[Request] = []
        self.release = threading.Event()  # set at shutdown: frees handlers that hold a connection open
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                request = Request("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, self)
                server.requests.append(request)
                handler = server.routes.get(self.path.split("#")[0]) or server.fallback
                reply = handler(request) if handler else Reply(404, b"not found", {"Content-Type": "text/plain"})
                if reply is None:
                    return
                self.send_response(reply.status)
                headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.handle_error = _quiet_on_hang_up(self._httpd.handle_error)
        self.port = self._httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Handler | Reply) -> str:
        self.routes[path] = handler if callable(handler) else (lambda _request, reply=handler: reply)
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def __enter__(self) -> "LoopbackServer":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()


def _quiet_on_hang_up(report):
    """The server's error report, silent when a client closed a kept-alive connection (its process ended)."""
    def handle_error(request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        report(request, client_address)
    return handle_error


def html_page(title: str, paragraphs: list[str], lang: str = "en", charset: str = "utf-8") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}"><title>{title}</title></head>'
            f"<body><header><nav><a href='/'>Home</a></nav></header><article><h1>{title}</h1>{body}</article>"
            f"<footer>(c) site</footer></body></html>").encode(charset)


_PARAGRAPH_END_RE = re.compile(rb"</p>", re.IGNORECASE)


class EditedPages:
    """Each page served under ``copies`` URLs (``/c<copy>/<key>.html``) with an ETag, answering 304 to
    a conditional GET, in the edition ``edition`` names: 0 as the page is, N with every paragraph
    ending in "(updated N)" and another ETag, as an outlet that corrects a story."""

    def __init__(self, server: LoopbackServer, pages: dict[str, bytes], copies: int) -> None:
        self.edition = 0
        self.urls = [server.route(f"/c{copy}/{key}.html", self._handler(key, body))
                     for copy in range(copies) for key, body in pages.items()]

    def _handler(self, key: str, body: bytes) -> Handler:
        def answer(request):
            edition = self.edition
            etag = f'"{key[:16]}"' if edition == 0 else f'"{key[:16]}-{edition}"'
            if request.headers.get("if-none-match") == etag:
                return Reply(304, b"", {"ETag": etag})
            text = _PARAGRAPH_END_RE.sub(f" (updated {edition})</p>".encode(), body) if edition else body
            return Reply(200, text, {"Content-Type": "text/html; charset=utf-8", "ETag": etag})
        return answer


def serve_conditional(server: LoopbackServer, pages: dict[str, bytes], copies: int) -> list[str]:
    """Serve each page under ``copies`` URLs with an ETag, answering 304 to a conditional GET; return the URLs."""
    return EditedPages(server, pages, copies).urls


def seed_citing(server: LoopbackServer, folder: Path, text: str = "A seed that cites one page: {page}") -> str:
    """A seeds folder (``folder``, created) with one seed citing a page the server serves; return its URL."""
    page = server.route("/a", Reply(200, html_page("A page", ["Words of an article about the appeal. " * 20]),
                                    {"Content-Type": "text/html"}))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "s.txt").write_text(text.format(page=page, dead=server.url("/dead")) + "\n")
    return page


def serve_pages(server: LoopbackServer, pages: dict[str, bytes], copies: int) -> list[str]:
    """Serve each page under ``copies`` URLs (``/c<copy>/<key>.html``, plain 200s); return the URLs."""
    return [server.route(f"/c{copy}/{key}.html", Reply(200, body, {"Content-Type": "text/html; charset=utf-8"}))
            for copy in range(copies) for key, body in pages.items()]
