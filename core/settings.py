"""The one place settings are built: environment variables ``MEDIAMON_*``, then CLI overrides.

Everything below reads a :class:`Settings` passed in; nothing else reads the environment.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from core import __version__
from core import setting_values as values
from core.errors import SettingsError
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
    # what is dead: a page that is not the article (a challenge, a consent wall, a soft 404) as much as a 404
    wayback_on: tuple[str, ...] = ("dns_error", "connection_error", "timeout", "404", "410",
                                   "bot_challenge", "consent_wall", "soft_404")
    not_found_probe: bool = True  # ask each host once a run for a page that cannot exist (soft-404 detection)
    warc_max_bytes: int = 1 << 30  # a new WARC file once the current one is this large
    fetch_workers: int = 16
    batch_size: int = 500
    near_threshold: float = 0.7
    language_sample_chars: int = 1500
    publish_interval: float = 300.0
    cpu_workers: int = 0  # processes for extraction; 0: one per core
    progress_interval: float = 30.0  # seconds between progress lines when not on a terminal
    prefect_start_timeout: float = 300.0  # seconds Prefect's local server may take to start
    nightly_cron: str = "0 2 * * *"  # when `mediamon serve` runs the nightly pass (cron, UTC)
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


def user_agent_with_contact(raw: str) -> str:
    """The default User-Agent with ``raw`` as its contact URL (``MEDIAMON_CONTACT_URL``)."""
    contact = raw.strip()
    if (not contact.startswith(("http://", "https://", "mailto:")) or any(c.isspace() for c in contact)
            or not contact.isascii()):
        raise ValueError("must be an http(s):// or mailto: URL in ASCII (a domain name in its xn-- form)")
    return f"mediamon/{__version__} (+{contact}; media-monitoring research crawler)"


# name of the environment variable -> (field, parser); each parser's ValueError says what a value must be
_ENV = {
    "MEDIAMON_DB": ("db_path", values.path),
    "MEDIAMON_SEEDS": ("seeds_dir", values.path),
    "MEDIAMON_ARCHIVE_DIR": ("archive_dir", values.path),
    "MEDIAMON_CONTACT_URL": ("user_agent", user_agent_with_contact),  # before USER_AGENT: a full UA wins
    "MEDIAMON_USER_AGENT": ("user_agent", values.header_text),
    "MEDIAMON_PER_HOST_CONCURRENCY": ("per_host_concurrency", values.whole(1, 1000)),
    "MEDIAMON_PER_HOST_DELAY": ("per_host_delay", values.seconds(0, values.HOUR)),
    "MEDIAMON_CONNECT_TIMEOUT": ("connect_timeout", values.seconds(0, values.HOUR, low_excluded=True)),
    "MEDIAMON_READ_TIMEOUT": ("read_timeout", values.seconds(0, values.HOUR, low_excluded=True)),
    "MEDIAMON_TOTAL_TIMEOUT": ("total_timeout", values.seconds(0, values.DAY, low_excluded=True)),
    "MEDIAMON_MAX_BYTES": ("max_bytes", values.whole(1, 1 << 32)),
    "MEDIAMON_MAX_REDIRECTS": ("max_redirects", values.whole(1, 100)),
    "MEDIAMON_ALLOW_HOSTS": ("allow_hosts", values.host_list),
    "MEDIAMON_WAYBACK_URL": ("wayback_url", values.http_url),
    "MEDIAMON_WAYBACK": ("wayback", values.on_off),
    "MEDIAMON_WAYBACK_ON": ("wayback_on", values.dead_link_rule),
    "MEDIAMON_NOT_FOUND_PROBE": ("not_found_probe", values.on_off),
    "MEDIAMON_WARC_MAX_BYTES": ("warc_max_bytes", values.whole(1, 1 << 40)),
    "MEDIAMON_FETCH_WORKERS": ("fetch_workers", values.whole(1, 1000)),
    "MEDIAMON_BATCH_SIZE": ("batch_size", values.whole(1, 1_000_000)),
    "MEDIAMON_NEAR_THRESHOLD": ("near_threshold", values.fraction),
    "MEDIAMON_LANGUAGE_SAMPLE_CHARS": ("language_sample_chars", values.whole(1, 10_000_000)),
    "MEDIAMON_PUBLISH_INTERVAL": ("publish_interval", values.seconds(0, values.DAY)),
    "MEDIAMON_CPU_WORKERS": ("cpu_workers", values.whole(0, 256)),
    "MEDIAMON_PROGRESS_INTERVAL": ("progress_interval", values.seconds(0, values.DAY, low_excluded=True)),
    "MEDIAMON_PREFECT_START_TIMEOUT": ("prefect_start_timeout", values.seconds(0, values.DAY, low_excluded=True)),
    "MEDIAMON_NIGHTLY_CRON": ("nightly_cron", values.cron),
    "MEDIAMON_DB_MEMORY_LIMIT": ("db_memory_limit", values.memory_size),
    "MEDIAMON_MAX_ATTEMPTS": ("max_attempts", values.whole(1, 100)),
    "MEDIAMON_BACKOFF_BASE": ("backoff_base", values.seconds(0, values.HOUR)),
    "MEDIAMON_RETRY_AFTER_CAP": ("retry_after_cap", values.seconds(0, values.DAY)),
    "MEDIAMON_MAX_CRAWL_DELAY": ("max_crawl_delay", values.seconds(0, values.DAY)),
    "MEDIAMON_SHARD_STORAGE": ("shard_storage", values.storage_location),
    "MEDIAMON_SHARD_HEARTBEAT_TIMEOUT": ("shard_heartbeat_timeout", values.seconds(0, values.DAY, low_excluded=True)),
    "MEDIAMON_SHARD_ATTEMPTS": ("shard_attempts", values.whole(1, 100)),
    "MEDIAMON_REVISIT_MAX_DAYS": ("revisit_max_days", values.whole(1, 3650)),
    "MEDIAMON_REVISIT_UNTIL_DAYS": ("revisit_until_days", values.whole(1, 36500)),
    "MEDIAMON_RETRY_MAX_DAYS": ("retry_max_days", values.whole(1, 3650)),
    "MEDIAMON_RETRY_UNTIL_DAYS": ("retry_until_days", values.whole(1, 36500)),
}

ENVIRONMENT_VARIABLES = tuple(_ENV)


def load_settings(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from ``environ`` (default: the process environment), then non-None ``overrides``."""
    environ = os.environ if environ is None else environ
    found: dict[str, object] = {}
    for name, (field, parse) in _ENV.items():
        raw = environ.get(name)
        if raw is None or raw == "":
            continue
        try:
            found[field] = parse(raw)
        except ValueError as exc:
            raise SettingsError(f"{name}={raw!r} is not valid: {exc}") from None
    return Settings(**found).replace(**overrides)
