"""Connections that vet the address they connect to, and put their socket under the response deadline.

``requests`` resolves host names itself, so checking a name beforehand and then letting it
connect leaves a gap (time-of-check to time-of-use: a DNS answer can change in between). Here the
connection resolves the name once, runs the address guard on every answer and connects only to
those vetted addresses. TLS still verifies the certificate against the host name.
"""
from __future__ import annotations

import socket

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection

from fetch.deadline import watch_socket
from fetch.guard import AllowList, DnsFailure, vetted_addresses


class _PinnedConnection:
    """Mixin for urllib3 connections: connect only to guard-vetted addresses."""

    allow: AllowList = AllowList(frozenset(), ())

    def _new_conn(self) -> socket.socket:  # type: ignore[override]
        try:
            addresses = vetted_addresses(self._dns_host, self.port, self.allow)  # type: ignore[attr-defined]
        except DnsFailure as exc:
            raise NameResolutionError(self.host, self, socket.gaierror(str(exc))) from None  # type: ignore[attr-defined]
        last_error: OSError | None = None
        for address in addresses:
            try:
                sock = connection.create_connection(
                    (str(address), self.port), self.timeout,  # type: ignore[attr-defined]
                    source_address=self.source_address, socket_options=self.socket_options,  # type: ignore[attr-defined]
                )
            except socket.timeout as exc:
                raise ConnectTimeoutError(self, f"connection to {self.host} ({address}) timed out") from exc  # type: ignore[attr-defined]
            except OSError as exc:
                last_error = exc
                continue
            watch_socket(sock)
            return sock
        raise NewConnectionError(self, f"failed to connect to {self.host}: {last_error}")  # type: ignore[attr-defined]

    def getresponse(self):  # type: ignore[no-untyped-def]
        watch_socket(self.sock)  # type: ignore[attr-defined]  # a reused keep-alive socket, too
        return super().getresponse()  # type: ignore[misc]


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections are pinned to guard-vetted addresses."""

    __attrs__ = [*HTTPAdapter.__attrs__, "_allow"]  # a pickled copy keeps its allow list

    def __init__(self, allow: AllowList, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self._allow = allow
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        attributes = {"allow": self._allow}
        http_conn = type("PinnedHTTPConnection", (_PinnedConnection, HTTPConnection), attributes)
        https_conn = type("PinnedHTTPSConnection", (_PinnedConnection, HTTPSConnection), attributes)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("PinnedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("PinnedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }

