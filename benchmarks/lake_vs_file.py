"""The warehouse on a DuckDB file (published by copy) against the same warehouse on a DuckLake.

    .venv/bin/python -m benchmarks.lake_vs_file                      # 10k and 100k stored articles
    .venv/bin/python -m benchmarks.lake_vs_file --sizes 10000 --batches 2

For each size: a DuckDB-file warehouse of N stored articles is built at the schema level
(``benchmarks.synthetic_warehouse``), its search index built once, and a copy converted into a
lake (``warehouse.lake_convert``, timed). Then on each storage, with the default memory cap, the
same batches of 500 pages (450 new articles, 50 re-fetched stored URLs with an edited text; real
fingerprints and anchors) go through ``Warehouse.commit_batch``; the file storage publishes after
each batch (what makes a batch visible to analysts there), the lake needs nothing. Meanwhile a
reader in another process runs an analyst query again and again (file: a new read-only connection
on the published file each time, as a new session would; lake: one session, a transaction a query)
and records its latency. Last: the lake's files and disk use before and after ``compact``, and what
compaction costs. Numbers are from one run on a busy machine: compare the ratios.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from core.settings import Settings
from warehouse import Warehouse, lake
from warehouse.lake_convert import convert_if_found
from warehouse.lake_maintenance import compact
from warehouse.snapshot import writer_path

BATCH = 500
REFETCHED = 50
ANALYST_QUERY = ("SELECT language, count(*) AS articles, count(duplicate_of) AS with_duplicate "
                 "FROM articles GROUP BY language ORDER BY language")


def pages(texts, batch: int, stored: int):
    """A batch of pages: new URLs, and a few stored URLs fetched again with another text."""
    import hashlib
    from core.records import Article, FetchResult, Language, Outcome, Page
    from extractors.fingerprint import fingerprint
    from benchmarks.synthetic_warehouse import LANGUAGES

    out = []
    for i in range(BATCH):
        number = stored + batch * 10_000 + i if i >= REFETCHED else (batch * 7919 + i * 131) % stored
        url = f"https://outlet{number % 997}.example/news/{number}"
        text = texts.text()
        fetch = FetchResult(url=url, attempted_at=datetime.now(timezone.utc), outcome=Outcome.OK, http_status=200,
                            final_url=url, body=b"<html/>", bytes=40_000)
        out.append(Page(fetch, Article(text, " ".join(text.split()[:8]), None, None, None, "trafilatura"),
                        Language(LANGUAGES[number % 5], 0.99, "langdetect"), fingerprint(text),
                        hashlib.sha256(text.encode()).hexdigest()))
    return out


def disk(path: Path) -> tuple[int, int]:
    """(files, bytes) under ``path`` (a file or a folder)."""
    if path.is_file():
        return 1, path.stat().st_size
    sizes = [p.stat().st_size for p in path.rglob("*") if p.is_file()]
    return len(sizes), sum(sizes)


def start_reader(storage: str, db: Path, stop: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "benchmarks.lake_vs_file", "--reader", storage, str(db),
                             str(stop), str(out)], cwd=Path(__file__).resolve().parent.parent)


def reader(storage: str, db: Path, stop: Path, out: Path) -> None:
    """Run the analyst query until ``stop`` exists; write each latency (seconds) to ``out``."""
    import duckdb

    session = lake.open_reader(lake.lake_folder(db)) if storage == "lake" else None
    latencies = []
    while not stop.exists() and len(latencies) < 10_000:
        started = time.perf_counter()
        if session is not None:
            session.execute("BEGIN TRANSACTION")
            session.execute(ANALYST_QUERY).fetchall()
            session.execute("COMMIT")
        else:
            with duckdb.connect(str(db), read_only=True) as con:
                con.execute(ANALYST_QUERY).fetchall()
        latencies.append(time.perf_counter() - started)
    out.write_text("\n".join(f"{s:.4f}" for s in latencies))


def run_batches(storage: str, db: Path, batches: int, stored: int, memory_limit: str) -> dict:
    from benchmarks.synthetic_warehouse import Texts

    texts, stop, out = Texts(1234), db.parent / "stop", db.parent / "latencies"
    commits, publishes = [], []
    with Warehouse.open(db, memory_limit=memory_limit, storage=storage) as warehouse:
        warehouse.publish() if storage == "file" else None  # the analyst file the reader opens
        run_id = warehouse.start_run("benchmark")
        reading = start_reader(storage, db, stop, out)
        time.sleep(2)  # the reader's first queries run on a quiet writer  # noqa: sleep is measurement spacing
        for batch in range(batches):
            batch_pages = pages(texts, batch, stored)
            started = time.perf_counter()
            warehouse.commit_batch(batch_pages, run_id)
            commits.append(time.perf_counter() - started)
            if storage == "file":
                started = time.perf_counter()
                warehouse.publish()
                publishes.append(time.perf_counter() - started)
        stop.touch()
        reading.wait(timeout=600)
        result = {"commit": commits, "publish": publishes,
                  "reads": [float(x) for x in out.read_text().split()] if out.exists() else []}
        if storage == "lake":
            result["before"] = disk(lake.lake_folder(db))
            started = time.perf_counter()
            compact(warehouse.con, keep=__import__("datetime").timedelta(0))
            result["compact"] = time.perf_counter() - started
            result["after"] = disk(lake.lake_folder(db))
            started = time.perf_counter()
            warehouse.con.execute(ANALYST_QUERY).fetchall()
            result["query_after_compact"] = time.perf_counter() - started
        else:
            result["before"] = result["after"] = tuple(map(sum, zip(disk(db), disk(writer_path(db)))))
    return result


def measure(size: int, batches: int, folder: Path) -> dict:
    from benchmarks.synthetic_warehouse import build

    memory_limit = Settings().db_memory_limit
    file_db, lake_db = folder / "file" / "m.duckdb", folder / "lake" / "m.duckdb"
    file_db.parent.mkdir(parents=True)
    lake_db.parent.mkdir()
    started = time.perf_counter()
    build(writer_path(file_db), size)
    built = time.perf_counter() - started
    Warehouse.open(file_db, memory_limit=memory_limit, storage="file").close()  # builds the search index once
    shutil.copyfile(writer_path(file_db), lake_db)
    shutil.copytree(folder / "file" / "m.search", folder / "lake" / "m.search")
    started = time.perf_counter()
    convert_if_found(lake_db, lake.lake_folder(lake_db), memory_limit)
    converted = time.perf_counter() - started
    results = {"size": size, "build": built, "convert": converted, "file_bytes": disk(writer_path(file_db))[1],
               "lake_bytes": disk(lake.lake_folder(lake_db))[1]}
    for storage, db in (("file", file_db), ("lake", lake_db)):
        results[storage] = run_batches(storage, db, batches, size, memory_limit)
    return results


def report(all_results: list[dict], command: str) -> None:
    med = statistics.median
    print(f"\n{command}\n")
    print("| stored | storage | commit_batch (500 pages), median | + publish | reader query median / max "
          "(queries) | files, disk after the batches | after compaction (cost) |")
    print("|---|---|---|---|---|---|---|")
    for r in all_results:
        for storage in ("file", "lake"):
            s = r[storage]
            publish = f"{med(s['publish']):.2f} s" if s["publish"] else "none"
            reads = f"{med(s['reads']):.3f} / {max(s['reads']):.3f} s ({len(s['reads'])})" if s["reads"] else "-"
            after = (f"{s['after'][0]} files, {s['after'][1] / 1e6:.0f} MB ({s['compact']:.1f} s; query then "
                     f"{s['query_after_compact']:.3f} s)" if storage == "lake" else "-")
            print(f"| {r['size']:,} | {storage} | {med(s['commit']):.2f} s | {publish} | {reads} | "
                  f"{s['before'][0]} files, {s['before'][1] / 1e6:.0f} MB | {after} |")
    print()
    for r in all_results:
        f, l = r["file"], r["lake"]
        file_cost = med([c + p for c, p in zip(f["commit"], f["publish"])])
        print(f"{r['size']:,} stored: lake/file commit {med(l['commit']) / med(f['commit']):.2f}x, "
              f"lake commit / file commit+publish {med(l['commit']) / file_cost:.2f}x, "
              f"reader median lake/file {med(l['reads']) / med(f['reads']):.2f}x; "
              f"build {r['build']:.0f} s, conversion {r['convert']:.1f} s "
              f"({r['file_bytes'] / 1e6:.0f} MB file -> {r['lake_bytes'] / 1e6:.0f} MB lake)")
    if len(all_results) > 1:
        first, last = all_results[0], all_results[-1]
        for storage in ("file", "lake"):
            grow = med(last[storage]["commit"]) / med(first[storage]["commit"])
            print(f"{storage}: commit at {last['size']:,} / at {first['size']:,} = {grow:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--reader", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reader:
        storage, db, stop, out = args.reader
        reader(storage, Path(db), Path(stop), Path(out))
        return
    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"lake-vs-file-{size}-") as tmp:
            results.append(measure(size, args.batches, Path(tmp)))
            print(f"measured {size:,}: {results[-1]}", file=sys.stderr, flush=True)
    report(results, ".venv/bin/python -m benchmarks.lake_vs_file " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
