"""A synthetic warehouse of any size, built fast: the bulk path behind benchmarks.warehouse_growth.

The warehouse is opened with the project's own code (``Warehouse.open``, which creates the schema,
then ``fill_pending`` as every run does), its tables are filled in large Arrow batches, and it is
ended with ``Warehouse.publish`` (whatever the storage does at the end of a run: the lake's files
compacted; with the single-file storage, the analyst copy). Every table the pipeline writes gets
the rows a warehouse that has run for months holds (``history.py`` decides what happened to each article):

- ``documents`` with texts from ``testkit.synthetic_texts`` (their fingerprints, LSH buckets and
  anchors derived from the project's own fingerprints of the paragraphs, see there);
- duplicates: exact copies on other outlets, near copies (one paragraph swapped: the pair is kept
  when the project's ``near_similarity`` says near), articles republishing a seed; clusters;
- cross-lingual candidate rows (synthetic: the pool holds no translations, so their score and
  evidence are made up, not found by ``anchor_score``);
- fetch history: a first fetch then conditional re-fetches over past nights, some edited
  articles with their earlier version and events; a schedule whose next checks all lie 2-45 days
  ahead (a nightly run finds nothing synthetic due); seeds citing some articles and dead links.

The rows are what the migrations in warehouse/migrations define; a storage change that moves
tables edits ``_insert`` and the table names here, nothing else.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from testkit.synthetic_history import Batch, History, INSERT_ORDER
from testkit.synthetic_texts import Fidelity, ParagraphPool, fidelity, pool
from warehouse import Warehouse
from warehouse.db import transaction

BATCH = 20_000


@dataclass
class BuildReport:
    articles: int
    seeds: int
    seconds: dict[str, float] = field(default_factory=dict)   # phase -> wall seconds
    rows: Counter = field(default_factory=Counter)            # table -> rows inserted
    arrow_bytes: int = 0                                      # the rows' size as Arrow buffers (uncompressed)
    fidelity: Fidelity | None = None

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


def _store(warehouse: Warehouse, batch: Batch, report: BuildReport) -> None:
    with transaction(warehouse.con):
        for table in INSERT_ORDER:
            rows = batch.tables.get(table)
            if rows is not None and rows.num_rows:
                _insert(warehouse.con, table, rows)
                report.rows[table] += rows.num_rows
                report.arrow_bytes += rows.nbytes


def build_warehouse(path: Path, articles: int, *, seed: int = 7, served: int = 100, memory_limit: str = "4GB",
                    threads: int = 2, batch_size: int = BATCH, paragraphs: ParagraphPool | None = None,
                    log=print) -> BuildReport:
    """Build a warehouse of ``articles`` stored articles at ``path`` (a new file) and publish it.

    ``served``: the first benchmark pages (id order) kept out of the text pool: a benchmark serves
    them as new pages. ``memory_limit`` and ``threads`` are the builder's own DuckDB settings;
    ``paragraphs``: the text pool (default: the whole shared corpus's, ``synthetic_texts.pool``)."""
    started = time.monotonic()
    paragraphs = paragraphs or pool(served)
    history = History(paragraphs, articles, np.random.default_rng(seed))
    report = BuildReport(articles, len(history.seeds))
    report.seconds["text pool"] = time.monotonic() - started

    with Warehouse.open(path, memory_limit=memory_limit) as warehouse:
        from extractors.crosslingual import anchors
        from extractors.seed_date import seed_published_at

        warehouse.fill_pending(anchors, seed_published_at)   # a new database: nothing to fill, jobs cleared
        warehouse.con.execute(f"SET threads = {int(threads)}")
        compose = insert = 0.0
        for start in range(0, articles, batch_size):
            t0 = time.monotonic()
            batch = history.batch(start, min(articles, start + batch_size))
            t1 = time.monotonic()
            _store(warehouse, batch, report)
            compose, insert = compose + t1 - t0, insert + time.monotonic() - t1
            log(f"  {min(articles, start + batch_size):,} / {articles:,} articles "
                f"(compose {compose:.0f} s, insert {insert:.0f} s)")
        t0 = time.monotonic()
        _store(warehouse, history.finish(), report)
        report.seconds["compose"], report.seconds["insert"] = compose, insert + time.monotonic() - t0
        t0 = time.monotonic()
        warehouse.publish()
        report.seconds["publish (the project's own)"] = time.monotonic() - t0
    t0 = time.monotonic()
    with Warehouse.open(path, memory_limit=memory_limit):  # the writer's open brings derived indexes in step
        pass
    report.seconds["derived indexes (the project's own open)"] = time.monotonic() - t0
    report.fidelity = fidelity(history.samples)
    return report
