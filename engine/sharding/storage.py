"""Shared storage between the driver and the workers of a sharded backfill, through fsspec.

A local folder here; an object-store URL (``s3://bucket/mediamon``, ``gs://…``) in production, with
that store's fsspec package installed. Layout under the root::

    shards/<shard_id>/input.json                 the shard's URLs and what planning knew (driver)
    shards/<shard_id>/<attempt>/pages.parquet    every fetch attempt with its article (worker)
    shards/<shard_id>/<attempt>/warc/*.warc.gz   the raw responses (worker)
    shards/<shard_id>/<attempt>/manifest.json    written last: the attempt is complete

Each attempt (each flow run of a shard) writes its own folder and never touches another's. The
manifest is written under a temporary name and renamed (on an object store: one PUT), so a worker
killed at any point leaves a folder without a manifest, which the committer never takes.
"""
from __future__ import annotations

import json
import posixpath
import uuid
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from core.records import Validators

MANIFEST = "manifest.json"


@dataclass(frozen=True, slots=True)
class ShardInput:
    shard_id: str
    urls: tuple[str, ...]
    validators: dict[str, Validators]  # conditional GET (--refetch), as the warehouse knows them
    cited_at: dict[str, date]          # the citing seeds' dates, for the web archive fallback

    # what the warehouse would say of a batch of these URLs (engine.jobs.fetch_batches reads them)
    def validators_for(self, urls: list[str]) -> dict[str, Validators]:
        return {url: self.validators[url] for url in urls if url in self.validators}

    def citation_dates(self, urls: list[str]) -> dict[str, date]:
        return {url: self.cited_at[url] for url in urls if url in self.cited_at}

    def web_archive_done(self, urls: list[str]) -> set[str]:
        return set()  # a backfill asks the web archive for each of its dead links


@dataclass(frozen=True, slots=True)
class Manifest:
    shard_id: str
    attempt: str
    flow_run_id: str | None
    urls: int
    pages: int
    warc_files: tuple[str, ...]
    seconds: float  # the attempt's wall, from reading its input to writing this manifest
    runner: str = ""  # where it ran: host, process and parent (the worker) ids


def storage_url(raw: str) -> str:
    """A storage URL as every process can use it: local paths made absolute (workers have another cwd)."""
    return raw if "://" in raw else str(Path(raw).expanduser().resolve())


class ShardStorage:
    def __init__(self, url: str) -> None:
        self.url = url
        self.fs, self.root = fsspec.core.url_to_fs(url)

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, "shards", *parts)

    def _write_atomically(self, path: str, data: bytes) -> None:
        temporary = f"{path}.{uuid.uuid4().hex[:8]}.partial"
        self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
        with self.fs.open(temporary, "wb") as handle:
            handle.write(data)
        self.fs.mv(temporary, path)

    # -- input (driver writes, worker reads) -------------------------------------------------
    def write_input(self, shard: ShardInput) -> None:
        document = {"shard_id": shard.shard_id, "urls": list(shard.urls),
                    "validators": {url: [v.etag, v.last_modified] for url, v in shard.validators.items()},
                    "cited_at": {url: day.isoformat() for url, day in shard.cited_at.items()}}
        self._write_atomically(self.path(shard.shard_id, "input.json"), json.dumps(document).encode("utf-8"))

    def read_input(self, shard_id: str) -> ShardInput:
        with self.fs.open(self.path(shard_id, "input.json"), "rb") as handle:
            document = json.load(handle)
        return ShardInput(document["shard_id"], tuple(document["urls"]),
                          {url: Validators(*pair) for url, pair in document["validators"].items()},
                          {url: date.fromisoformat(day) for url, day in document["cited_at"].items()})

    # -- an attempt's output (worker writes, committer reads) --------------------------------
    def put(self, shard_id: str, attempt: str, local: Path, folder: str = "") -> None:
        """Copy a local file into the attempt's folder (``folder``: a subfolder such as ``warc``)."""
        target = self.path(shard_id, attempt, folder) if folder else self.path(shard_id, attempt)
        self.fs.makedirs(target, exist_ok=True)
        self.fs.put_file(str(local), posixpath.join(target, local.name))

    def finish(self, manifest: Manifest) -> None:
        """Mark the attempt complete: the last thing it writes."""
        self._write_atomically(self.path(manifest.shard_id, manifest.attempt, MANIFEST),
                               json.dumps(asdict(manifest)).encode("utf-8"))

    def completed(self, shard_id: str) -> list[Manifest]:
        """The shard's complete attempts (those with a manifest), oldest name first."""
        manifests = []
        for path in sorted(self.fs.glob(self.path(shard_id, "*", MANIFEST))):
            with self.fs.open(path, "rb") as handle:
                document = json.load(handle)
            manifests.append(Manifest(**{**document, "warc_files": tuple(document["warc_files"])}))
        return manifests

    def read_pages(self, manifest: Manifest) -> pa.Table:
        with self.fs.open(self.path(manifest.shard_id, manifest.attempt, "pages.parquet"), "rb") as handle:
            return pq.read_table(handle)

    def get_warc(self, manifest: Manifest, name: str, local: Path) -> None:
        self.fs.get_file(self.path(manifest.shard_id, manifest.attempt, "warc", name), str(local))
