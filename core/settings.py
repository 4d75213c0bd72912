"""The one place settings are built: environment variables ``MEDIAMON_*``, then CLI overrides.

Everything below reads a :class:`Settings` passed in; nothing else reads the environment.
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from core import __version__
from core.errors import SettingsError
from core.records import Outcome
from core.revisit import RevisitPolicy

DEFAULT_USER_AGENT = (
    f"mediamon/{__version__} (+https://github.com/mediamon/mediamon; media-monitoring research crawler)"
)


def utc_now() -> datetime:
    """The clock runs read by default: the time now, in UTC."""
    return datetime.now(timezone.utc)


def bundled_seeds_dir() -> Path:
    """The project's own copy of the seed articles.

    In a wheel it is packaged inside ``mediamon/seeds``; in a source checkout
    (editable install) it is the top-level ``seeds/`` folder.
    """
    packaged = Path(__file__).resolve().parent / "seeds"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "seeds"


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path = Path("mediamon.duckdb")
    seeds_dir: Path = dataclasses.field(default_factory=bundled_seeds_dir)
    archive_dir: Path | None = None  # None: beside the database (archive_path)
    user_agent: str = DEFAULT_USER_AGENT
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 10
    allow_hosts: tuple[str, ...] = ()
    wayback_url: str = "https://web.archive.org"
    wayback: bool = True  # ask the web archive for a snapshot of a dead link
    wayback_on: tuple[str, ...] = ("dns_error", "connection_error", "timeout", "404", "410")  # what is dead
    warc_max_bytes: int = 1 << 30  # a new WARC file once the current one is this large
    fetch_workers: int = 16
    batch_size: int = 500
    near_threshold: float = 0.7
    language_sample_chars: int = 1500
    publish_interval: float = 300.0
    cpu_workers: int = 0  # processes for extraction; 0: one per core
    db_memory_limit: str = "128MB"  # DuckDB's memory cap in the writer (it spills to disk beyond)
    max_attempts: int = 3
    backoff_base: float = 1.0
    retry_after_cap: float = 60.0
    max_crawl_delay: float = 60.0
    shard_storage: str = "shards"  # sharded backfill: shared folder or fsspec URL the workers write to
    shard_heartbeat_timeout: float = 90.0  # a running shard silent this long is presumed dead, and re-submitted
    shard_attempts: int = 3  # submissions of one shard before the sharded backfill gives up on it
    revisit_max_days: int = 16     # the longest wait between two checks of an unchanged article (core.revisit)
    revisit_until_days: int = 90   # an article unchanged this long is not checked again by nightly runs
    retry_max_days: int = 16       # the longest wait between two checks of a failing URL
    retry_until_days: int = 60     # a URL failing this long is not checked again by nightly runs
    # what a run takes the time to be: fetch attempts, schedule, events and runs are stamped with it
    # (tests and benchmarks simulate a month of nightly runs with a clock of their own)
    clock: Callable[[], datetime] = utc_now

    @property
    def revisit(self) -> RevisitPolicy:
        return RevisitPolicy(self.revisit_max_days, self.revisit_until_days, self.retry_max_days,
                             self.retry_until_days)

    @property
    def archive_path(self) -> Path:
        """Where raw responses are archived: ``MEDIAMON_ARCHIVE_DIR``, else ``<database name>.archive``
        beside the database, so that each database keeps its own archive wherever it is run from."""
        if self.archive_dir is not None:
            return self.archive_dir
        name = self.db_path.name.removesuffix(".duckdb")
        return self.db_path.with_name(f"{name}.archive")

    def replace(self, **changes: object) -> "Settings":
        """A copy with the given fields changed; ``None`` values are ignored (unset CLI flags)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


# name of the environment variable -> (field, parser)
def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError("must be >= 1")
    return value


def _non_negative_float(raw: str) -> float:
    value = float(raw)
    if value < 0:
        raise ValueError("must be >= 0")
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if value <= 0:
        raise ValueError("must be > 0")
    return value


def _threshold(raw: str) -> float:
    value = float(raw)
    if not 0 < value <= 1:
        raise ValueError("must be in (0, 1]")
    return value


def user_agent_with_contact(raw: str) -> str:
    """The default User-Agent with ``raw`` as its contact URL (``MEDIAMON_CONTACT_URL``)."""
    contact = raw.strip()
    if not contact.startswith(("http://", "https://", "mailto:")) or any(c.isspace() for c in contact):
        raise ValueError("must be an http(s):// or mailto: URL")
    return f"mediamon/{__version__} (+{contact}; media-monitoring research crawler)"


def _memory_size(raw: str) -> str:
    """A DuckDB memory size such as 512MB or 2GB."""
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", raw.strip(), re.IGNORECASE):
        raise ValueError("must be a size such as 512MB or 2GB")
    return raw.strip()


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _on_off(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("on", "off", "true", "false", "1", "0", "yes", "no"):
        raise ValueError("must be on or off")
    return value in ("on", "true", "1", "yes")


def _http_url(raw: str) -> str:
    value = raw.strip().rstrip("/")
    if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
        raise ValueError("must be an http(s):// URL")
    return value


def _dead_link_rule(raw: str) -> tuple[str, ...]:
    """Outcomes (``timeout``, ``dns_error``, ...) and HTTP statuses (``404``) that send a URL to the web archive."""
    items = tuple(part.lower() for part in _csv(raw))
    known = {o.value for o in Outcome} - {"ok", "not_modified", "not_archived"}
    for item in items:
        if not (item in known or (item.isdigit() and 400 <= int(item) <= 599)):
            raise ValueError(f"{item!r} is neither a failure outcome nor an HTTP status 400-599")
    return items


_ENV = {
    "MEDIAMON_DB": ("db_path", Path),
    "MEDIAMON_SEEDS": ("seeds_dir", Path),
    "MEDIAMON_ARCHIVE_DIR": ("archive_dir", Path),
    "MEDIAMON_CONTACT_URL": ("user_agent", user_agent_with_contact),  # before USER_AGENT: a full UA wins
    "MEDIAMON_USER_AGENT": ("user_agent", str),
    "MEDIAMON_PER_HOST_CONCURRENCY": ("per_host_concurrency", _positive_int),
    "MEDIAMON_PER_HOST_DELAY": ("per_host_delay", _non_negative_float),
    "MEDIAMON_CONNECT_TIMEOUT": ("connect_timeout", _positive_float),
    "MEDIAMON_READ_TIMEOUT": ("read_timeout", _positive_float),
    "MEDIAMON_TOTAL_TIMEOUT": ("total_timeout", _positive_float),
    "MEDIAMON_MAX_BYTES": ("max_bytes", _positive_int),
    "MEDIAMON_MAX_REDIRECTS": ("max_redirects", _positive_int),
    "MEDIAMON_ALLOW_HOSTS": ("allow_hosts", _csv),
    "MEDIAMON_WAYBACK_URL": ("wayback_url", _http_url),
    "MEDIAMON_WAYBACK": ("wayback", _on_off),
    "MEDIAMON_WAYBACK_ON": ("wayback_on", _dead_link_rule),
    "MEDIAMON_WARC_MAX_BYTES": ("warc_max_bytes", _positive_int),
    "MEDIAMON_FETCH_WORKERS": ("fetch_workers", _positive_int),
    "MEDIAMON_BATCH_SIZE": ("batch_size", _positive_int),
    "MEDIAMON_NEAR_THRESHOLD": ("near_threshold", _threshold),
    "MEDIAMON_LANGUAGE_SAMPLE_CHARS": ("language_sample_chars", _positive_int),
    "MEDIAMON_PUBLISH_INTERVAL": ("publish_interval", _non_negative_float),
    "MEDIAMON_CPU_WORKERS": ("cpu_workers", _positive_int),
    "MEDIAMON_DB_MEMORY_LIMIT": ("db_memory_limit", _memory_size),
    "MEDIAMON_MAX_ATTEMPTS": ("max_attempts", _positive_int),
    "MEDIAMON_BACKOFF_BASE": ("backoff_base", _non_negative_float),
    "MEDIAMON_RETRY_AFTER_CAP": ("retry_after_cap", _non_negative_float),
    "MEDIAMON_MAX_CRAWL_DELAY": ("max_crawl_delay", _non_negative_float),
    "MEDIAMON_SHARD_STORAGE": ("shard_storage", str),
    "MEDIAMON_SHARD_HEARTBEAT_TIMEOUT": ("shard_heartbeat_timeout", _positive_float),
    "MEDIAMON_SHARD_ATTEMPTS": ("shard_attempts", _positive_int),
    "MEDIAMON_REVISIT_MAX_DAYS": ("revisit_max_days", _positive_int),
    "MEDIAMON_REVISIT_UNTIL_DAYS": ("revisit_until_days", _positive_int),
    "MEDIAMON_RETRY_MAX_DAYS": ("retry_max_days", _positive_int),
    "MEDIAMON_RETRY_UNTIL_DAYS": ("retry_until_days", _positive_int),
}

ENVIRONMENT_VARIABLES = tuple(_ENV)


def load_settings(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from ``environ`` (default: the process environment), then non-None ``overrides``."""
    environ = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for name, (field, parse) in _ENV.items():
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        try:
            values[field] = parse(raw)
        except ValueError as exc:
            raise SettingsError(f"{name}={raw!r} is not valid: {exc}") from None
    return Settings(**values).replace(**overrides)
