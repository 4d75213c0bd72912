"""What a small run costs as the warehouse grows: 100 new URLs, a no-change rerun, search and the
analysts' example queries, at each size, in one run.

    python -m benchmarks.warehouse_growth [--sizes 10000,100000,1000000] [--memory-limit 1GB]
    python -m benchmarks.warehouse_growth --build-only --sizes 1000000   # only the synthetic build, timed

For each size a synthetic warehouse is built once (testkit.synthetic_warehouse: the project's own
``Warehouse.open``, tables filled in Arrow batches, ``Warehouse.publish``), then, as subprocesses
of the real command line against one Prefect server started once for the whole benchmark (so
Prefect's start is in no figure):

1. ``mediamon backfill --urls new.txt``: 100 article-extraction-benchmark pages served on 127.0.0.1
   (never in the text pool the warehouse was built from), ETag and 304 to a conditional GET;
2. the no-change rerun: ``mediamon backfill --urls new.txt --refetch`` (without ``--refetch`` a
   second backfill skips stored URLs and fetches nothing): every page answers 304;
3. the changed-text refetch: the same command after every page's paragraphs were edited (a new
   ETag; each text that changed becomes a new version and is indexed again);
4. ``mediamon search`` and every SQL example of README.md and docs/analysts.md, one statement at a
   time through ``mediamon sql`` (stdin, ``.timer on``: DuckDB's own time; the process's wall too),
   idle, then again while ``mediamon backfill`` of 100 other new URLs writes.

Peak RSS is of each command's process tree; disk is every file in the warehouse's folder
(database, writer copy, raw archive) after the build and at the end. Failures are recorded as the
command's last line. Prints a markdown table, the Must-show ratios of issue 18 and the command.
"""
from __future__ import annotations

import argparse
import pickle
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests

from benchmarks.growth_report import SizeResult, print_report
from benchmarks.process_tree import Finished, run
from benchmarks.throughput import _healthy, loopback_env
from testkit.corpus import aeb_html_or_say_why
from testkit.doc_examples import example_statements
from testkit.loopback import EditedPages, LoopbackServer
from testkit.prefect_server import PREFECT, free_port, start, stop, wait_for
from testkit.synthetic_warehouse import build_warehouse
from warehouse import lake

NEW_URLS = 100
CLI = [sys.executable, "-m", "mediamon.cli"]
_RUN_TIME_RE = re.compile(r"Run Time \(s\): real ([\d.]+)")
_UPDATED_RE = re.compile(r"new or updated articles\W+(\d+)")


def disk_use(folder: Path, db: Path) -> dict[str, int]:
    """Bytes on disk of everything in the warehouse's folder, by part (the lake's tables and catalog,
    its search and key indexes, the single file's writer copy, the raw archive)."""
    parts = {"database": 0, "search index": 0, "key index": 0, "writer copy": 0, "archive": 0, "other": 0}
    lake_folder = lake.lake_folder(db)
    for path in folder.rglob("*"):
        if path.is_file():
            inside = lake_folder in path.parents
            top = path.relative_to(lake_folder).parts[:1] if inside else ()
            name = ("search index" if lake.SEARCH in top
                    else "key index" if lake.KEYS in top
                    else "database" if inside or path == db
                    else "writer copy" if path.name.endswith(".writer.duckdb")
                    else "archive" if "archive" in path.relative_to(folder).parts[:1] else "other")
            parts[name] += path.stat().st_blocks * 512
    return parts


def stored_bytes(db: Path) -> int:
    """The warehouse's tables on disk: the lake's data and catalog (or the single file)."""
    if db.is_file():
        return db.stat().st_size
    folder = lake.lake_folder(db)
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and not {lake.SEARCH, lake.KEYS} & set(p.relative_to(folder).parts[:1]))


def _query(env: dict, db: Path, sql: str, cwd: Path) -> tuple[float | None, Finished]:
    done = run([*CLI, "sql", "--db", str(db)], env, cwd=cwd, stdin=f".timer on\n{sql}\n", limit=900)
    times = [float(t) for t in _RUN_TIME_RE.findall(done.stdout)]
    return (sum(times) if times and done.ok else None), done


def _reads(env: dict, db: Path, query: str, cwd: Path, log) -> dict[str, tuple[float | None, Finished]]:
    """``mediamon search`` and every example statement, one process each."""
    found = {}
    search = run([*CLI, "search", "--db", str(db), query], env, cwd=cwd, limit=900)
    found["mediamon search"] = (None, search)
    hits = run([*CLI, "search", "--db", str(db), "--format", "csv", "--limit", "100", query], env, cwd=cwd, limit=900)
    (cwd / "hits.csv").write_text(hits.stdout, "utf-8")   # what the docs' search examples join with
    for example in example_statements():
        found[example.label] = _query(env, db, example.sql, cwd)
    slowest = max((t for t, _ in found.values() if t is not None), default=0)
    log(f"    search {search.wall:.1f} s; slowest example query {slowest:.2f} s (DuckDB's time)")
    return found


def build_size(size: int, folder: Path, workers: int, log) -> SizeResult:
    """The synthetic warehouse of ``size`` articles in ``folder``, its build timed by phase."""
    result = SizeResult(size)
    db = folder / "mediamon.duckdb"
    log(f"building {size:,} articles in {folder}")
    result.build = build_warehouse(db, size, workers=workers, log=lambda line: None)
    result.file_bytes = stored_bytes(db)
    result.disk_before = disk_use(folder, db)
    phases = ", ".join(f"{k} {v:.0f} s" for k, v in result.build.seconds.items())
    work = ", ".join(f"{k} {v:.0f} s" for k, v in result.build.work.items())
    log(f"  built in {result.build.total_seconds:.0f} s ({phases}); in {result.build.workers or 'no'} worker process(es): {work}; "
        f"file {result.file_bytes / 2**20:,.0f} MiB, disk {sum(result.disk_before.values()) / 2**30:.2f} GiB; "
        f"{result.build.fidelity}")
    return result


def measure_size(size: int, folder: Path, env_base: dict, urls: dict[str, Path], query: str, workers: int,
                 log, pages: EditedPages) -> SizeResult:
    result = build_size(size, folder, workers, log)
    pages.edition = 0
    db = folder / "mediamon.duckdb"
    env = {**env_base, "MEDIAMON_DB": str(db), "MEDIAMON_ARCHIVE_DIR": str(folder / "archive")}

    def command(name: str, args: list[str]) -> Finished:
        done = run([*CLI, *args, "--db", str(db)], env, cwd=folder, limit=3 * 3600)
        result.commands[name] = done
        log(f"  {name}: {done.wall:.1f} s, exit {done.status}, peak RSS {done.peak_rss / 2**20:,.0f} MiB"
            + ("" if done.ok else f": {done.message}"))
        return done

    command("backfill", ["backfill", "--urls", str(urls["new"])])
    command("no-change rerun", ["backfill", "--urls", str(urls["new"]), "--refetch"])
    pages.edition = 1
    changed = command("changed-text refetch", ["backfill", "--urls", str(urls["new"]), "--refetch"])
    updated = _UPDATED_RE.search(changed.stdout)
    result.updated = int(updated.group(1)) if updated else None
    log(f"    of them {result.updated} texts changed (new or updated articles)")
    log("  reads, idle")
    result.queries["idle"] = _reads(env, db, query, folder, log)
    log("  reads while a backfill of 100 other new URLs writes")
    writer = _Background([*CLI, "backfill", "--urls", str(urls["other"]), "--db", str(db)], env, folder)
    result.queries["during a backfill"] = _reads(env, db, query, folder, log)
    result.commands["backfill during the reads"] = writer.finish()
    result.disk_after = disk_use(folder, db)
    return result


class _Background:
    """A command run in a thread while the reads go on; ``finish`` waits for it."""

    def __init__(self, args: list[str], env: dict, cwd: Path) -> None:
        import threading

        self.done: Finished | None = None
        self.thread = threading.Thread(target=lambda: setattr(self, "done", run(args, env, cwd=cwd, limit=3 * 3600)))
        self.thread.start()
        time.sleep(2)  # let it open the warehouse before the first read

    def finish(self) -> Finished:
        self.thread.join()
        return self.done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="stored articles, comma-separated")
    parser.add_argument("--memory-limit", default=None,
                        help="MEDIAMON_DB_MEMORY_LIMIT for the commands (default: the project's default)")
    parser.add_argument("--query", default="government election", help="what `mediamon search` looks for")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where the warehouses are built (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the warehouses")
    parser.add_argument("--results", type=Path, default=None,
                        help="also save the measurements here (pickle), to print the report again")
    parser.add_argument("--workers", type=int, default=0,
                        help="processes building the synthetic rows while the builder inserts (default 0: the builder itself)")
    parser.add_argument("--build-only", action="store_true", help="only build (and time) the synthetic warehouses")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    if options.build_only:
        return _build_only(sizes, options)
    pages = aeb_html_or_say_why()
    if pages is None:
        return 2
    served = dict(list(pages.items())[:NEW_URLS])   # testkit.synthetic_texts leaves these out of the pool
    root = Path(tempfile.mkdtemp(prefix="warehouse-growth-", dir=options.workdir))
    results: list[SizeResult] = []
    try:
        with LoopbackServer() as server:
            pages = EditedPages(server, served, 2)   # /c0/...: the backfill and reruns; /c1/...: the writer
            served_urls = pages.urls
            new, other = served_urls[:NEW_URLS], served_urls[NEW_URLS:]
            urls = {"new": root / "new.txt", "other": root / "other.txt"}
            urls["new"].write_text("\n".join(new) + "\n")
            urls["other"].write_text("\n".join(other) + "\n")
            port = free_port()
            env = loopback_env(root, port, MEDIAMON_WAYBACK="off",
                               **({"MEDIAMON_DB_MEMORY_LIMIT": options.memory_limit} if options.memory_limit else {}))
            prefect = start([*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], env,
                            root / "prefect-server.log")
            try:
                wait_for(lambda: _healthy(requests, port), 300, "the Prefect server")
                for size in sizes:
                    folder = root / f"size-{size}"
                    folder.mkdir()
                    results.append(measure_size(size, folder, env, urls, options.query, options.workers, print, pages))
                    if options.results:
                        options.results.write_bytes(pickle.dumps(results))
                    if not options.keep:
                        shutil.rmtree(folder, ignore_errors=True)
            finally:
                stop(prefect)
    finally:
        if not options.keep:
            shutil.rmtree(root, ignore_errors=True)
    print_report(results, options, " ".join(["python -m benchmarks.warehouse_growth", *sys.argv[1:]]))
    return 0


def _build_only(sizes: list[int], options) -> int:
    root = Path(tempfile.mkdtemp(prefix="warehouse-growth-", dir=options.workdir))
    try:
        for size in sizes:
            folder = root / f"size-{size}"
            folder.mkdir()
            build_size(size, folder, options.workers, print)
            if not options.keep:
                shutil.rmtree(folder, ignore_errors=True)
    finally:
        if not options.keep:
            shutil.rmtree(root, ignore_errors=True)
    print("\ncommand: " + " ".join(["python -m benchmarks.warehouse_growth", *sys.argv[1:]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
