"""What the client needs of a raw-response archive: somewhere to record each exchange.

The WARC archive (``archive.writer.WarcArchive``) is one; the client only knows this protocol, so
the HTTP layer does not depend on how or where responses are stored.
"""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

from core.records import ArchivedAt


class ExchangeRecorder(Protocol):
    def write_exchange(self, *, url: str, fetched_at: datetime, status: int, reason: str,
                       response_headers: list[tuple[str, str]], body: bytes,
                       request_headers: list[tuple[str, str]] | None = None,
                       truncated: str | None = None) -> ArchivedAt:
        """Record one response (and its request); say where it landed. Raises ArchiveUnavailable."""

    def flush(self) -> None:
        """Make what was recorded durable."""
