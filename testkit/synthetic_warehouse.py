"""A synthetic warehouse of any size, built fast: the bulk path behind benchmarks.warehouse_growth.

The warehouse is opened with the project's own code (``Warehouse.open``, which creates the schema,
then ``fill_pending`` as every run does), its tables are filled in large Arrow batches, and it is
ended with ``Warehouse.publish`` (whatever the storage does at the end of a run: the lake's files
compacted; with the single-file storage, the analyst copy). Every table the pipeline writes gets
the rows a warehouse that has run for months holds (``testkit.synthetic_history`` decides what
happened to each article):

- ``documents`` with texts from ``testkit.synthetic_articles`` (their fingerprints, LSH buckets and
  anchors derived from the project's own fingerprints of the paragraphs, see there);
- duplicates: exact copies on other outlets, near copies (one paragraph swapped: the pair is kept
  when the project's ``near_similarity`` says near), articles republishing a seed; clusters (their
  sizes counted once every chunk is in);
- cross-lingual candidate rows (synthetic: the pool holds no translations, so their score and
  evidence are made up, not found by ``anchor_score``);
- fetch history: a first fetch then conditional re-fetches over past nights, some edited
  articles with their earlier version and events; a schedule whose next checks all lie 2-45 days
  ahead (a nightly run finds nothing synthetic due); seeds citing some articles and dead links.

Chunks of articles are planned and turned into rows (``testkit.synthetic_rows``) by ``workers``
processes while this one inserts: a chunk depends only on the seed and its number, so the
warehouse is the same whatever the number of workers. The rows are what the migrations in
warehouse/migrations define; a storage change that moves tables edits ``_insert`` and the table
names here, nothing else.
"""
from __future__ import annotations

import multiprocessing
import time
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator

import numpy as np
import pyarrow as pa

from testkit.synthetic_articles import Fidelity, SyntheticText, fidelity
from testkit.synthetic_history import CHUNK, NIGHTS, History
from testkit.synthetic_rows import ChunkRows, chunk_rows
from testkit.synthetic_seed_rows import seed_and_run_rows
from testkit.synthetic_texts import ParagraphPool, pool
from warehouse import Warehouse
from warehouse.db import sql, transaction

BATCH = 20_000   # articles inserted per transaction
INSERT_ORDER = ("run_log", "seed_docs", "citation_links", "fetch_log", "documents", "document_versions",
                "article_event_log", "url_schedule", "fingerprints", "anchor_sets", "duplicate_pairs",
                "cross_lingual_pairs", "doc_clusters")


@dataclass
class BuildReport:
    articles: int
    seeds: int
    seconds: dict[str, float] = field(default_factory=dict)   # phase -> wall seconds
    work: Counter = field(default_factory=Counter)            # stage -> seconds in the workers, summed over chunks
    rows: Counter = field(default_factory=Counter)            # table -> rows inserted
    arrow_bytes: int = 0                                      # the rows' size as Arrow buffers (uncompressed)
    fidelity: Fidelity | None = None
    workers: int = 0                                          # processes that built the rows (0: the builder)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _insert(con, table: str, rows: pa.Table) -> None:
    """Append Arrow rows to a warehouse table (columns by name; the table's defaults fill the rest)."""
    con.register("synthetic_rows", rows)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM synthetic_rows")  # noqa: S608 (names from INSERT_ORDER)
    finally:
        con.unregister("synthetic_rows")


def _store(warehouse: Warehouse, tables: dict[str, list[pa.Table]], report: BuildReport) -> None:
    """Insert the collected rows, a table at a time, in one transaction."""
    with transaction(warehouse.con):
        for table in INSERT_ORDER:
            parts = [part for part in tables.get(table, ()) if part.num_rows]
            if parts:
                rows = pa.concat_tables(parts, promote_options="permissive")
                _insert(warehouse.con, table, rows)
                report.rows[table] += rows.num_rows
                report.arrow_bytes += rows.nbytes


_HISTORY: History | None = None   # a worker's history: set once by the pool's initializer


def _start_worker(history: History) -> None:
    global _HISTORY
    _HISTORY = history


def _chunk(number: int) -> tuple[ChunkRows, list[SyntheticText], Counter]:
    """Plan chunk ``number`` and build its rows (in a worker); the seconds each stage took."""
    t0 = time.perf_counter()
    plan = _HISTORY.plan(number)
    t1 = time.perf_counter()
    rows = chunk_rows(_HISTORY, plan)
    seconds = plan.seconds + Counter({"decisions and sampling": t1 - t0 - sum(plan.seconds.values()),
                                      "rows": time.perf_counter() - t1})
    return rows, plan.samples, seconds


@contextmanager
def _chunks(history: History, workers: int) -> Iterator[Iterator[tuple[ChunkRows, list, Counter]]]:
    """Every chunk's rows in chunk order: built here (no workers) or by a pool of ``workers`` processes
    while this one inserts, a few chunks ahead of the caller (so rows waiting for the insert stay few)."""
    if workers <= 0:
        _start_worker(history)
        yield (_chunk(number) for number in range(history.chunks))
        return
    # forkserver: workers never inherit this process's threads (a loopback server, DuckDB's)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])   # imported once, before the workers are forked
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(history,)) as pool:
        def in_order():
            pending, submitted = deque(), 0
            while submitted < history.chunks or pending:
                while submitted < history.chunks and len(pending) < 2 * workers:
                    pending.append(pool.submit(_chunk, submitted))
                    submitted += 1
                yield pending.popleft().result()
        yield in_order()


def _fill(warehouse: Warehouse, history: History, chunks, report: BuildReport, batch_size: int,
          log) -> list[SyntheticText]:
    """Insert every chunk's rows, about ``batch_size`` articles per transaction, then the seeds' and
    the runs'; the fidelity samples."""
    samples: list[SyntheticText] = []
    fetched, not_modified = np.zeros(NIGHTS + 1, np.int64), np.zeros(NIGHTS + 1, np.int64)
    composed = insert = 0.0   # composing here, or waiting for the workers
    pending: dict[str, list[pa.Table]] = {}
    done = collected = 0
    t0 = time.monotonic()
    for rows, chunk_samples, seconds in chunks:
        t1 = time.monotonic()
        samples += chunk_samples
        report.work += seconds
        fetched, not_modified = fetched + rows.fetched, not_modified + rows.not_modified
        for table, part in rows.tables.items():
            pending.setdefault(table, []).append(part)
        collected += rows.tables["documents"].num_rows
        if collected - done >= batch_size or collected == history.articles:
            _store(warehouse, pending, report)
            pending, done = {}, collected
            log(f"  {done:,} / {history.articles:,} articles (compose {composed:.0f} s, "
                f"insert {insert + time.monotonic() - t1:.0f} s)")
        composed, insert = composed + t1 - t0, insert + time.monotonic() - t1
        t0 = time.monotonic()
    _store(warehouse, {t: [r] for t, r in seed_and_run_rows(history, fetched, not_modified).items()}, report)
    with transaction(warehouse.con):   # clusters span chunks: their sizes are known once all are in
        warehouse.con.execute(sql("count_cluster_sizes"))
    report.seconds["compose"], report.seconds["insert"] = composed, insert + time.monotonic() - t0
    return samples


def build_warehouse(path: Path, articles: int, *, seed: int = 7, served: int = 100, memory_limit: str = "4GB",
                    threads: int = 2, batch_size: int = BATCH, paragraphs: ParagraphPool | None = None,
                    workers: int = 0, chunk: int = CHUNK, now: datetime | None = None,
                    log=print) -> BuildReport:
    """Build a warehouse of ``articles`` stored articles at ``path`` (a new file) and publish it.

    ``served``: the first benchmark pages (id order) kept out of the text pool: a benchmark serves
    them as new pages. ``memory_limit`` and ``threads`` are the builder's own DuckDB settings;
    ``paragraphs``: the text pool (default: the whole shared corpus's, ``synthetic_texts.pool``);
    ``workers``: processes building rows while this one inserts (default 0: built here, as fast on
    the busy 2-core machine, where the inserts and the search index are the larger part);
    ``chunk``: articles planned together (copies copy within a chunk); ``now``: when the history
    ends (default: now). The same arguments build the same rows, whatever ``workers``."""
    started = time.monotonic()
    paragraphs = paragraphs or pool(served)
    t0 = time.monotonic()
    history = History(paragraphs, articles, seed, now=now, chunk=chunk)
    report = BuildReport(articles, len(history.seeds), workers=workers)
    report.seconds["text pool"], report.seconds["seeds"] = t0 - started, time.monotonic() - t0
    with _chunks(history, workers) as chunks, Warehouse.open(path, memory_limit=memory_limit) as warehouse:
        from extractors.crosslingual import anchors
        from extractors.seed_date import seed_published_at

        warehouse.fill_pending(anchors, seed_published_at)   # a new database: nothing to fill, jobs cleared
        warehouse.con.execute(f"SET threads = {int(threads)}")
        samples = _fill(warehouse, history, chunks, report, batch_size, log)
        t0 = time.monotonic()
        warehouse.publish()
        report.seconds["publish (the project's own)"] = time.monotonic() - t0
    t0 = time.monotonic()
    with Warehouse.open(path, memory_limit=memory_limit):  # the writer's open brings derived indexes in step
        pass
    report.seconds["derived indexes (the project's own open)"] = time.monotonic() - t0
    report.fidelity = fidelity(samples)
    return report
