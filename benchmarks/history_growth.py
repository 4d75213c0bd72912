"""What a batch's warehouse look-ups cost as the fetch log grows with every nightly run.

    python -m benchmarks.history_growth      # 100k articles, a log of 0.1M, 1M and 3M rows (about 1 min)
    python -m benchmarks.history_growth --rescue   # a v6 warehouse stuck at 1.5M log rows, upgraded (about 30 s)

A warehouse of ``--articles`` stored articles whose fetch log grows to each size in ``--log``
(a row per URL per run: 3M rows is 30 nightly runs of 100k URLs), under the writer's default
memory cap. For each size it times the look-ups every batch of 500 URLs makes before fetching:
the conditional-GET validators (read from the article rows, and, for comparison in the same run,
joined from the log as before migration 008) and the citation dates.

``--rescue``: a warehouse as mediamon left it before migration 007 (schema v6), whose keyed log holds
1.5M rows, is shown refusing an insert under the default cap, then opened by this mediamon under
that cap (the upgrade) and grown by 500k more rows.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# the validators as read before migration 008: from the fetch that produced each article, in the log
OLD_VALIDATORS = """
SELECT d.url, f.etag, f.last_modified
FROM documents d
JOIN fetch_log f ON f.fetch_id = d.fetch_id
WHERE d.url IN (SELECT url FROM staged_urls)
  AND (f.etag IS NOT NULL OR f.last_modified IS NOT NULL)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--log", type=int, nargs="+", default=[100_000, 1_000_000, 3_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rescue", action="store_true", help="upgrade a v6 warehouse stuck at 1.5M log rows")
    options = parser.parse_args()
    if options.rescue:
        return rescue()

    import pyarrow as pa

    from core.settings import Settings
    from warehouse import Warehouse

    n = options.articles
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Warehouse.open(Path(tmp) / "w.duckdb", memory_limit=Settings().db_memory_limit)
        con, rows = warehouse.con, 0
        print(f"{n:,} articles; a batch's look-ups for 500 URLs, mean of {options.repeat}:")
        for size in sorted(options.log):
            for start in range(rows, size, 100_000):  # a nightly run's rows at a time
                stop = min(size, start + 100_000)
                con.execute(f"""INSERT INTO fetch_log (fetch_id, url, attempted_at, outcome, via, run_id, etag)
                    SELECT md5(i::VARCHAR), 'http://outlet.example/' || (i % {n}), now(), 'ok', 'live',
                           'run-' || (i // {n}), '"' || i || '"' FROM range({start}, {stop}) t(i)""")
            rows = size
            con.execute("DELETE FROM documents")  # each article points at its URL's latest fetch
            con.execute(f"""INSERT INTO documents (doc_id, url, fetch_id, fetched_at, via, text, word_count,
                                                   content_sha256, extractor, run_id, etag)
                SELECT 'doc-' || i, 'http://outlet.example/' || i, md5((i + {size - n})::VARCHAR), now(), 'live',
                       'text', 1, 'h', 'trafilatura', 'r', '"' || (i + {size - n}) || '"'
                FROM range({n}) t(i)""")
            urls = [f"http://outlet.example/{i}" for i in range(n // 2, n // 2 + 500)]

            def joined() -> int:
                con.register("staged_urls", pa.table({"url": pa.array(urls, pa.string())}))
                try:
                    return len(con.execute(OLD_VALIDATORS).fetchall())
                finally:
                    con.unregister("staged_urls")

            timings = {}
            lookups = (("validators", lambda: len(warehouse.validators_for(urls))), ("joined", joined),
                       ("citation dates", lambda: warehouse.citation_dates(urls)))
            for name, lookup in lookups:
                lookup()
                started = time.perf_counter()
                for _ in range(options.repeat):
                    lookup()
                timings[name] = (time.perf_counter() - started) / options.repeat * 1000
            assert len(warehouse.validators_for(urls)) == joined() == len(urls)
            print(f"  fetch log {size:>10,} rows: validators {timings['validators']:6.1f} ms "
                  f"(joined from the log: {timings['joined']:6.1f} ms), citation dates {timings['citation dates']:5.1f} ms")
        warehouse.close()
    print("command: python -m benchmarks.history_growth " + " ".join(sys.argv[1:]))
    return 0


def rescue(rows: int = 1_500_000) -> int:
    import duckdb

    from core.settings import Settings
    from testkit.schema_at import database_at
    from warehouse import Warehouse
    from warehouse.snapshot import writer_path

    cap = Settings().db_memory_limit
    fill = ("INSERT INTO fetch_log (fetch_id, url, attempted_at, outcome, via, run_id) SELECT md5(i::VARCHAR), "
            "'http://outlet.example/' || (i % 100000), now(), 'ok', 'live', 'r' FROM range({start}, {stop}) t(i)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w.duckdb"
        database_at(writer_path(path), 6)
        with duckdb.connect(str(writer_path(path)), config={"memory_limit": "2GB"}) as con:
            con.execute(fill.format(start=0, stop=rows))
        with duckdb.connect(str(writer_path(path)), config={"memory_limit": cap, "threads": 1}) as con:
            try:
                con.execute(fill.format(start=rows, stop=rows + 20_000))
                print(f"schema v6, {rows:,} log rows, cap {cap}: a 20,000-row insert went through")
            except duckdb.Error as exc:
                print(f"schema v6, {rows:,} log rows, cap {cap}: a 20,000-row insert fails: {str(exc).splitlines()[0][:90]}")
        started = time.perf_counter()
        with Warehouse.open(path, memory_limit=cap) as warehouse:
            print(f"opened by this mediamon under the same cap: upgraded in {time.perf_counter() - started:.1f}s")
            for start in range(2 * rows, 2 * rows + 500_000, 100_000):
                warehouse.con.execute(fill.format(start=start, stop=start + 100_000))
            total = warehouse.con.execute("SELECT count(*) FROM fetch_log").fetchone()[0]
            print(f"then 500,000 more rows in five inserts: the log holds {total:,}")
    print("command: python -m benchmarks.history_growth --rescue")
    return 0


if __name__ == "__main__":
    sys.exit(main())
