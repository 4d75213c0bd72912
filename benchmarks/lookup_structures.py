"""A batch's near-duplicate look-up against N stored documents: a hash join over the whole LSH table
in DuckDB (what the warehouse did before its key index), point look-ups in a B-tree (SQLite, from the
standard library), and term look-ups in the warehouse's Tantivy key index (warehouse/key_index.py:
its schema, documents and look-up code), on the same keys, in one run.

    .venv/bin/python -m benchmarks.lookup_structures                       # 10k and 1M documents (~5 min)
    .venv/bin/python -m benchmarks.lookup_structures --sizes 10000 100000 1000000

Each stored document has 32 band keys (random 62-bit buckets, as MinHash bands give); a batch of 500
new documents asks for its 16,000 keys, a few of which exist. DuckDB runs one thread under the
writer's default 128 MB cap, as the writer does; SQLite keeps its default page cache; the key index
is built as a rebuild builds it (one Tantivy document per stored document, its 32 band keys as terms,
a random 512-byte signature stored). The input to the design of the duplicate index at millions of
articles (docs/design.md, "Growing to millions").
"""
from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import tantivy

from warehouse.key_index import BUCKET_LIMIT, KeyDoc, KeySearch, document, schema

BANDS, BATCH, CHUNK = 32, 500, 100_000


def build(folder: Path, n: int, rng: np.random.Generator) -> tuple[duckdb.DuckDBPyConnection, sqlite3.Connection,
                                                                  tantivy.Index, np.ndarray]:
    """The three stores holding the same ``n`` documents' band keys; return them and some stored keys."""
    con = duckdb.connect(str(folder / "lsh.duckdb"), config={"threads": 1, "memory_limit": "128MB"})
    con.execute("CREATE TABLE lsh_buckets (band SMALLINT, bucket BIGINT, doc INTEGER)")
    lite = sqlite3.connect(folder / "lsh.sqlite")
    lite.execute("PRAGMA journal_mode = WAL")
    lite.execute("CREATE TABLE lsh (key INTEGER, doc INTEGER, PRIMARY KEY (key, doc)) WITHOUT ROWID")
    (folder / "keys").mkdir()
    keys_index = tantivy.Index(schema(), str(folder / "keys"), reuse=False)
    writer = keys_index.writer(64_000_000, 1)
    first_seen = datetime.now(timezone.utc)
    sample = []
    for start in range(0, n, CHUNK):
        count = min(CHUNK, n - start)
        buckets = rng.integers(0, 2**56, size=(count, BANDS), dtype=np.int64)
        bands = np.tile(np.arange(BANDS, dtype=np.int16), count)
        docs = np.repeat(np.arange(start, start + count, dtype=np.int32), BANDS)
        rows = pa.table({"band": bands, "bucket": buckets.ravel(), "doc": docs})
        con.execute("INSERT INTO lsh_buckets SELECT * FROM rows")
        keys = buckets.ravel() | (bands.astype(np.int64) << 56)   # band and bucket in one B-tree key
        order = np.argsort(keys, kind="stable")
        lite.executemany("INSERT OR IGNORE INTO lsh VALUES (?, ?)", zip(keys[order].tolist(), docs[order].tolist()))
        lite.commit()
        signatures = rng.integers(0, 2**32, size=(count, 128), dtype=np.uint32)
        for i, doc_buckets in enumerate(buckets.tolist()):
            writer.add_document(document(KeyDoc(f"doc-{start + i}", "article", "en", f"sha-{start + i}",
                                                tuple(doc_buckets), signatures[i].tobytes(), 100, first_seen, ())))
        sample.append(keys[:: max(1, len(keys) // 20)])
    con.execute("CHECKPOINT")
    writer.commit()
    writer.wait_merging_threads()
    keys_index.reload()
    return con, lite, keys_index, np.concatenate(sample)


def probe(rng: np.random.Generator, stored: np.ndarray) -> pa.Table:
    """A batch's keys: new random buckets, 1 % of them stored ones."""
    buckets = rng.integers(0, 2**56, size=BATCH * BANDS, dtype=np.int64)
    bands = np.tile(np.arange(BANDS, dtype=np.int16), BATCH)
    hits = rng.choice(len(buckets), size=len(buckets) // 100, replace=False)
    chosen = rng.choice(stored, size=len(hits))
    buckets[hits], bands[hits] = chosen & (2**56 - 1), (chosen >> 56).astype(np.int16)
    return pa.table({"band": bands, "bucket": buckets})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    rng = np.random.default_rng(7)
    print(f"command: python -m benchmarks.lookup_structures --sizes {' '.join(map(str, options.sizes))}")
    print(f"{'stored':>10} {'rows':>12} {'hash join ms':>13} {'B-tree ms':>10} {'key index ms':>13} {'found':>6}  (median of {options.repeat})")
    first = None
    for n in options.sizes:
        with tempfile.TemporaryDirectory() as folder:
            con, lite, keys_index, stored = build(Path(folder), n, rng)
            joins, points, terms = [], [], []
            for _ in range(options.repeat):
                batch = probe(rng, stored)
                started = time.perf_counter()
                found_join = con.execute("SELECT count(*) FROM batch p JOIN lsh_buckets b "
                                         "ON b.band = p.band AND b.bucket = p.bucket").fetchone()[0]
                joins.append(time.perf_counter() - started)
                keys = (batch["bucket"].to_numpy() | (batch["band"].to_numpy().astype(np.int64) << 56)).tolist()
                started = time.perf_counter()
                cursor = lite.cursor()
                found_points = sum(len(cursor.execute("SELECT doc FROM lsh WHERE key = ?", (k,)).fetchall()) for k in keys)
                points.append(time.perf_counter() - started)
                bands = batch["band"].to_numpy().tolist()
                started = time.perf_counter()
                search = KeySearch(keys_index)
                found_terms = sum(len(search._addresses("lsh", f"{band}:{bucket}", BUCKET_LIMIT))
                                  for band, bucket in zip(bands, batch["bucket"].to_numpy().tolist()))
                terms.append(time.perf_counter() - started)
                assert found_join == found_points == found_terms, (found_join, found_points, found_terms)
            join_ms, point_ms, term_ms = (1000 * sorted(t)[len(t) // 2] for t in (joins, points, terms))
            first = first or (join_ms, point_ms, term_ms)
            print(f"{n:>10,} {n * BANDS:>12,} {join_ms:>13.0f} {point_ms:>10.0f} {term_ms:>13.0f} {found_points:>6}")
            con.close()
            lite.close()
    if len(options.sizes) > 1:
        print(f"largest / smallest: hash join {join_ms / first[0]:.1f}x, B-tree {point_ms / first[1]:.1f}x, "
              f"key index {term_ms / first[2]:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
