"""Reading others' WARC files: records per second of the reader in each layout, and of a whole WARC backfill.

    python -m benchmarks.warc_ingest [--records N]

Writes N response records (default 1,000), each with its request record as crawlers write them,
from the article-extraction-benchmark pages of ../shared/corpus/aeb (each page under several URLs)
into a temporary folder in three layouts: gzip per record (the usual), uncompressed, and one gzip
stream. For each layout it times mediamon's reader (archive.reader.ResponseScan: every record
framed, checked for truncation, HTTP bodies decoded) against warcio's ArchiveIterator reading the
same records' bodies, then runs the WARC backfill (the Prefect flow ``mediamon backfill --warc``
runs: read, extract, detect the language, dedupe, store) over the gzip file, and reprocess over
what it stored. Prints records per second of each, their ratios, and the command.
"""
from __future__ import annotations

import argparse
import gzip
import os
import sys
import tempfile
import time
from pathlib import Path


def _files(folder: Path, records: int) -> dict[str, tuple[Path, int]]:
    """The three layouts of one crawl: name -> (path, records in the file)."""
    from testkit import warcs
    from testkit.corpus import load_aeb

    corpus = list(load_aeb().values())
    pages = [warcs.Page(f"{corpus[n % len(corpus)]['url']}?copy={n // len(corpus)}", corpus[n % len(corpus)]["html"])
             for n in range(records)]
    plain = warcs.warc(pages, compress=False)
    count = 1 + 2 * records  # the warcinfo record, then a response and a request per page
    layouts = {"gzip per record": warcs.warc(pages).data, "uncompressed": plain.data,
               "one gzip stream": gzip.compress(plain.data, 6)}
    paths = {}
    for n, (name, data) in enumerate(layouts.items()):
        path = folder / f"crawl-{n}.warc{'.gz' if name != 'uncompressed' else ''}"
        path.write_bytes(data)
        paths[name] = (path, count)
    return paths


def _mediamon_reader(path: Path) -> int:
    from archive.reader import ResponseScan

    scan = ResponseScan(path, 5_000_000)
    responses = sum(1 for _ in scan.responses())
    assert not scan.damage, scan.damage
    return responses


def _warcio_reader(path: Path) -> int | None:
    """The responses warcio's ArchiveIterator reads (None: it cannot read the file)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    responses = 0
    with path.open("rb") as handle:
        try:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response":
                    record.content_stream().read()
                    responses += 1
        except ArchiveLoadFailed:
            return None
    return responses


def _timed(read, path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    responses = read(path)
    return time.perf_counter() - started, responses


def _backfill(path: Path, folder: Path) -> tuple[object, float, object, float]:
    os.environ.update({"MEDIAMON_ARCHIVE_DIR": str(folder / "archive"), "MEDIAMON_WAYBACK": "off",
                       "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                       "DO_NOT_TRACK": "1"})
    from prefect import flow

    from flows.replay import backfill_warc, reprocess

    flow(name="warm-up")(lambda: None)()  # Prefect's local server starts here, outside the timings
    db = folder / "bench.duckdb"
    started = time.perf_counter()
    backfilled = backfill_warc(warc_files=[str(path)], db_path=str(db))
    backfill_seconds = time.perf_counter() - started
    started = time.perf_counter()
    replayed = reprocess(db_path=str(db))
    return backfilled, backfill_seconds, replayed, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="response records in the file")
    args = parser.parse_args()
    from testkit.corpus import aeb_available, aeb_dir

    if not aeb_available():
        print(f"needs the benchmark at {aeb_dir()}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = _files(folder, args.records)
        for name, (path, count) in files.items():
            ours, responses = _timed(_mediamon_reader, path)
            theirs, same = _timed(_warcio_reader, path)
            assert responses == args.records and same in (None, args.records), (responses, same)
            baseline = (f"warcio's ArchiveIterator {count / theirs:,.0f} records/s (mediamon's reader takes "
                        f"{ours / theirs:.2f}x its time)") if same else "warcio's ArchiveIterator cannot read it"
            print(f"{name}: {path.stat().st_size / 2**20:.1f} MiB, {count} records: mediamon's reader "
                  f"{count / ours:,.0f} records/s ({path.stat().st_size / 2**20 / ours:.0f} MiB/s); {baseline}")
        path, count = files["gzip per record"]
        backfilled, seconds, replayed, replay_seconds = _backfill(path, folder)
    ok = backfilled.counts.outcomes.get("ok", 0)
    print(f"backfill --warc (gzip per record, Prefect flow, {os.cpu_count()} cores): {seconds:.1f} s = "
          f"{count / seconds:.0f} records/s, {backfilled.urls_planned / seconds:.1f} responses ingested/s "
          f"({ok} ok, {backfilled.counts.new_articles} articles, status {backfilled.status})")
    print(f"reprocess of what it stored (read back from the WARC file): {replay_seconds:.1f} s = "
          f"{replayed.urls_planned / replay_seconds:.1f} pages/s ({replayed.counts.new_articles} articles changed)")
    print(f"command: python -m benchmarks.warc_ingest --records {args.records}")
    return 0 if backfilled.status == "completed" and replayed.counts.new_articles == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
