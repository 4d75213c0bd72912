"""A batch's near-duplicate look-up against N stored documents: a hash join over the whole LSH table
in DuckDB (what the warehouse did before its key index), term look-ups in a Tantivy index (one
document per stored document, its band keys as terms: the key index's first design), and the
warehouse's key index (SQLite B-trees: warehouse/key_index.py, built by warehouse/key_build.py's
``write_index``, read by ``KeySearch``), on the same keys, in one run.

    .venv/bin/python -m benchmarks.lookup_structures                       # 10k and 1M documents (~10 min)
    .venv/bin/python -m benchmarks.lookup_structures --sizes 10000 100000 1000000

Each stored document has 32 band keys (random 56-bit buckets, as MinHash bands give) and a random
512-byte signature; a batch of 500 new documents asks for its 16,000 keys, a few of which exist.
DuckDB runs one thread under the writer's default 128 MB cap, as the writer does. Besides the time,
each structure's look-ups are charged the growth of the process's resident memory while they ran
(``VmRSS``): a memory-mapped index keeps the pages it touched resident, a page cache does not grow.
The input to the design of the duplicate index at millions of articles (docs/design.md, "Growing
to millions").
"""
from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import tantivy

from warehouse.key_index import BUCKET_LIMIT, DATABASE, KeyDoc, KeySearch, band_term, connect
from warehouse.key_build import write_index

BANDS, BATCH, CHUNK = 32, 500, 100_000


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _tantivy_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("lsh", stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field("minhash", stored=True)
    return builder.build()


def build(folder: Path, n: int, rng: np.random.Generator):
    """The three stores holding the same ``n`` documents' band keys; return them and some stored keys."""
    con = duckdb.connect(str(folder / "lsh.duckdb"), config={"threads": 1, "memory_limit": "128MB"})
    con.execute("CREATE TABLE lsh_buckets (band SMALLINT, bucket BIGINT, doc INTEGER)")
    (folder / "tantivy").mkdir()
    terms_index = tantivy.Index(_tantivy_schema(), str(folder / "tantivy"), reuse=False)
    writer = terms_index.writer(64_000_000, 1)
    first_seen = datetime.now(timezone.utc)
    sample, docs = [], []
    for start in range(0, n, CHUNK):
        count = min(CHUNK, n - start)
        buckets = rng.integers(0, 2**56, size=(count, BANDS), dtype=np.int64)
        bands = np.tile(np.arange(BANDS, dtype=np.int16), count)
        ids = np.repeat(np.arange(start, start + count, dtype=np.int32), BANDS)
        rows = pa.table({"band": bands, "bucket": buckets.ravel(), "doc": ids})
        con.execute("INSERT INTO lsh_buckets SELECT * FROM rows")
        signatures = rng.integers(0, 2**32, size=(count, 128), dtype=np.uint32)
        for i, doc_buckets in enumerate(buckets.tolist()):
            minhash = signatures[i].tobytes()
            writer.add_document(tantivy.Document(lsh=[f"{band}:{b}" for band, b in enumerate(doc_buckets)],
                                                 minhash=[minhash]))
            docs.append(KeyDoc(f"doc-{start + i}", "article", "en", f"sha-{start + i}", tuple(doc_buckets),
                               minhash, 100, first_seen, ()))
        sample.append(np.stack([bands, buckets.ravel()], axis=1)[:: max(1, count * BANDS // 20)])
        if len(docs) >= CHUNK:
            _flush(folder, docs)
    _flush(folder, docs)
    con.execute("CHECKPOINT")
    writer.commit()
    writer.wait_merging_threads()
    terms_index.reload()
    (folder / "keys").mkdir()
    write_index(folder / "keys", _read_back(folder), lambda done: None)
    return con, terms_index, connect(folder / "keys" / DATABASE), np.concatenate(sample)


def _flush(folder: Path, docs: list[KeyDoc]) -> None:
    """Keep the documents for the key index's build on disk, not in memory (a rebuild streams them)."""
    import pickle

    with (folder / "docs.pickle").open("ab") as out:
        pickle.dump(docs[:], out)
    docs.clear()


def _read_back(folder: Path):
    import pickle

    with (folder / "docs.pickle").open("rb") as source:
        while True:
            try:
                yield from pickle.load(source)
            except EOFError:
                return


def probe(rng: np.random.Generator, stored: np.ndarray) -> pa.Table:
    """A batch's keys: new random buckets, 1 % of them stored ones."""
    buckets = rng.integers(0, 2**56, size=BATCH * BANDS, dtype=np.int64)
    bands = np.tile(np.arange(BANDS, dtype=np.int16), BATCH)
    hits = rng.choice(len(buckets), size=len(buckets) // 100, replace=False)
    chosen = stored[rng.choice(len(stored), size=len(hits))]
    bands[hits], buckets[hits] = chosen[:, 0].astype(np.int16), chosen[:, 1]
    return pa.table({"band": bands, "bucket": buckets})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    rng = np.random.default_rng(7)
    print(f"command: python -m benchmarks.lookup_structures --sizes {' '.join(map(str, options.sizes))}")
    print(f"{'stored':>10} {'rows':>12} | {'ms: hash join':>13} {'Tantivy':>8} {'key index':>9} | "
          f"{'RSS MiB: Tantivy':>16} {'key index':>9} | {'found':>6}  (median of {options.repeat}; RSS growth)")
    first = None
    for n in options.sizes:
        with tempfile.TemporaryDirectory() as folder:
            con, terms_index, lite, stored = build(Path(folder), n, rng)
            times: dict[str, list[float]] = {"join": [], "tantivy": [], "keys": []}
            grown = {"tantivy": 0, "keys": 0}
            for _ in range(options.repeat):
                batch = probe(rng, stored)
                started = time.perf_counter()
                found_join = con.execute("SELECT count(*) FROM batch p JOIN lsh_buckets b "
                                         "ON b.band = p.band AND b.bucket = p.bucket").fetchone()[0]
                times["join"].append(time.perf_counter() - started)
                pairs = list(zip(batch["band"].to_numpy().tolist(), batch["bucket"].to_numpy().tolist()))

                before, started = rss_bytes(), time.perf_counter()
                searcher = terms_index.searcher()
                found_terms = sum(len(searcher.search(tantivy.Query.term_query(terms_index.schema, "lsh", f"{band}:{bucket}"),
                                                      BUCKET_LIMIT, count=False).hits) for band, bucket in pairs)
                times["tantivy"].append(time.perf_counter() - started)
                grown["tantivy"] += rss_bytes() - before

                before, started = rss_bytes(), time.perf_counter()
                search = KeySearch(lite)
                found_keys = sum(len(search._ids("SELECT id FROM lsh WHERE key = ? LIMIT ?", band_term(band, bucket),
                                                 BUCKET_LIMIT)) for band, bucket in pairs)
                times["keys"].append(time.perf_counter() - started)
                grown["keys"] += rss_bytes() - before
                assert found_join == found_terms == found_keys, (found_join, found_terms, found_keys)
            join_ms, term_ms, key_ms = (1000 * sorted(t)[len(t) // 2] for t in times.values())
            first = first or (join_ms, term_ms, key_ms)
            print(f"{n:>10,} {n * BANDS:>12,} | {join_ms:>13.0f} {term_ms:>8.0f} {key_ms:>9.0f} | "
                  f"{grown['tantivy'] / 2**20:>16.1f} {grown['keys'] / 2**20:>9.1f} | {found_keys:>6}")
            con.close()
            lite.close()
    if len(options.sizes) > 1:
        print(f"largest / smallest: hash join {join_ms / first[0]:.1f}x, Tantivy {term_ms / first[1]:.1f}x, "
              f"key index {key_ms / first[2]:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
