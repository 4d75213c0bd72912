"""A local stand-in for the Wayback Machine: the CDX API and raw (``id_``) captures, on 127.0.0.1.

``/cdx/search/cdx?url=U&output=json&filter=statuscode:200&fl=...`` answers JSON rows (a header of
field names first, ``[]`` when there is no capture), as the real CDX server does; ``/web/<ts>id_/<U>``
answers the capture's bytes with its original Content-Type, or redirects to the nearest capture
held when the timestamp is not exact, as the real archive does.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


@dataclass
class Snapshot:
    timestamp: str  # YYYYMMDDhhmmss
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"


class WaybackStandIn:
    def __init__(self) -> None:
        self.captures: dict[str, list[Snapshot]] = {}
        self.requests: list[str] = []
        archive = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                archive.requests.append(self.path)
                status, body, headers = archive.answer(self.path)
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def hold(self, url: str, *snapshots: Snapshot) -> None:
        self.captures.setdefault(url, []).extend(snapshots)

    def answer(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        parts = urlsplit(path)
        if parts.path == "/cdx/search/cdx":
            return self._cdx(parse_qs(parts.query))
        if parts.path.startswith("/web/") and "id_/" in path:
            stamp, _, url = path[len("/web/"):].partition("id_/")
            return self._raw(stamp, url)
        return 404, b"not found", {"Content-Type": "text/plain"}

    def _cdx(self, query: dict[str, list[str]]) -> tuple[int, bytes, dict[str, str]]:
        url = query.get("url", [""])[0]
        wanted = query.get("fl", [",".join(FIELDS)])[0].split(",")
        status_filter = next((f.split(":", 1)[1] for f in query.get("filter", []) if f.startswith("statuscode:")), None)
        rows = []
        for snap in sorted(self.captures.get(url, []), key=lambda s: s.timestamp):
            if status_filter and str(snap.status) != status_filter:
                continue
            values = {"urlkey": url, "timestamp": snap.timestamp, "original": url,
                      "mimetype": snap.content_type.split(";")[0], "statuscode": str(snap.status), "digest": "-",
                      "length": str(len(snap.body))}
            rows.append([values[name] for name in wanted])
        body = json.dumps([wanted, *rows] if rows else []).encode()
        return 200, body, {"Content-Type": "application/json"}

    def _raw(self, stamp: str, url: str) -> tuple[int, bytes, dict[str, str]]:
        held = self.captures.get(url, [])
        if not held:
            return 404, b"not in archive", {"Content-Type": "text/plain"}
        exact = next((s for s in held if s.timestamp == stamp), None)
        if exact is None:
            nearest = min(held, key=lambda s: abs(int(s.timestamp) - int(stamp.ljust(14, "0"))))
            return 302, b"", {"Location": f"{self.base}/web/{nearest.timestamp}id_/{url}"}
        return exact.status, exact.body, {"Content-Type": exact.content_type,
                                          "X-Archive-Orig-Content-Type": exact.content_type}

    def __enter__(self) -> "WaybackStandIn":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
