"""What full-text search costs a run and an analyst as the warehouse grows: the Tantivy index a
batch adds to, against DuckDB's fts index rebuilt whole (as mediamon did up to schema v11).

    python -m benchmarks.search_index                       # 10k and 100k articles, fts at both (about 15 min)
    python -m benchmarks.search_index --sizes 10000 100000 1000000 --fts-up-to 100000

For each size, a warehouse of that many synthetic articles (2,500-character windows of the shared
corpus's az/en/ru/tr/uk sentences, ``../shared/corpus/langid``) is written in bulk, then timed in
one run:
- the index built from the database (what a rebuild or an upgrade costs, once);
- the maintenance cost of 100 new articles: their batch added to the index and committed (mean of
  ``--repeat``), and, up to ``--fts-up-to`` articles, DuckDB's fts index rebuilt over all of them;
- search latency (``warehouse.search_index.search``, opening the index each time as `mediamon
  search` does; median of ``--repeat`` per query), and DuckDB's fts search where it was built;
- search latency while another process adds a batch of 100 articles and commits, again and again.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("az", "en", "ru", "tr", "uk")
TEXT_CHARS = 2_500
QUERIES = ("Azərbaycan", "россии", "Türkiye", "government", "Україна мова")  # common words, several scripts
FTS_INDEX = ("PRAGMA create_fts_index('documents', 'doc_id', 'title', 'text', stemmer = 'none', stopwords = 'none', "
             "ignore = '[^\\p{L}\\p{N}]+', strip_accents = 0, lower = 1, overwrite = 1)")
FTS_SEARCH = ("SELECT doc_id, score FROM (SELECT doc_id, fts_main_documents.match_bm25(doc_id, $query) AS score "
              "FROM articles) WHERE score IS NOT NULL ORDER BY score DESC LIMIT 20")
INSERT_DOCUMENTS = """
INSERT INTO documents (doc_id, url, fetch_id, title, text, language, fetched_at, via, word_count, content_sha256,
                       extractor, run_id)
SELECT 'doc-' || i, 'http://outlet.example/' || i, 'fetch-' || i, left(w.text, 60), w.text, w.language, now(), 'live', 400,
       md5(i::VARCHAR), 'synthetic', 'bench'
FROM (SELECT i, c.language, substr(c.text, CAST(1 + hash(i) % (length(c.text) - $chars) AS BIGINT), $chars) AS text
      FROM range($start, $stop) t(i) JOIN corpus c ON c.slot = i % $languages) w
"""
WRITER = """
import sys, time
from pathlib import Path
import duckdb
from warehouse.search_index import IndexedArticle
from warehouse.search_writer import SearchWriter
db, folder, stop, first = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
con = duckdb.connect(db)
search = SearchWriter.open(folder, con)
n = 0
while not stop.exists() and n < 10_000:
    ids = [f"new-{first + n * 100 + k}" for k in range(100)]
    con.execute("INSERT INTO search_backlog SELECT unnest($ids)", {"ids": ids})
    search.index_batch(con, [IndexedArticle(i, "http://new.example/" + i, "Karabakh", "en", "Azərbaycan Türkiye " + i)
                             for i in ids])
    n += 1
    if n == 1:
        print("writing", flush=True)
print(n, flush=True)
"""


def corpus() -> list[tuple[str, str]]:
    folder = Path(os.environ.get("MEDIAMON_SHARED", ROOT.parent / "shared")) / "corpus" / "langid"
    return [(code, " ".join((folder / f"{code}.txt").read_text("utf-8").split())) for code in LANGUAGES]


def build_warehouse(path: Path, size: int) -> duckdb.DuckDBPyConnection:
    from warehouse.db import connect

    con = connect(path)
    con.execute("CREATE TEMP TABLE corpus (slot INTEGER, language VARCHAR, text VARCHAR)")
    con.executemany("INSERT INTO corpus VALUES (?, ?, ?)", [(i, code, text) for i, (code, text) in enumerate(corpus())])
    for start in range(0, size, 100_000):
        con.execute(INSERT_DOCUMENTS, {"start": start, "stop": min(size, start + 100_000), "chars": TEXT_CHARS,
                                       "languages": len(LANGUAGES)})
    con.execute("CHECKPOINT")
    return con


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def new_articles(con: duckdb.DuckDBPyConnection, first: int, count: int = 100):
    """``count`` new articles stored in the database (with their backlog rows, as a batch's commit
    leaves them), returned as the index takes them."""
    from warehouse.search_index import IndexedArticle

    con.execute(INSERT_DOCUMENTS, {"start": first, "stop": first + count, "chars": TEXT_CHARS,
                                   "languages": len(LANGUAGES)})
    con.execute("INSERT INTO search_backlog SELECT 'doc-' || i FROM range($a, $b) t(i)", {"a": first, "b": first + count})
    rows = con.execute("SELECT doc_id, url, title, language, text FROM documents WHERE doc_id IN "
                       "(SELECT doc_id FROM search_backlog)").fetchall()
    return [IndexedArticle(*row) for row in rows]


def fts_extension() -> str | None:
    try:
        import duckdb_extension_fts
    except ImportError:
        return None
    found = sorted((Path(duckdb_extension_fts.__file__).parent / "extensions").glob("*/fts.duckdb_extension"))
    return str(found[-1]) if found else None


def measure(size: int, options, tmp: Path) -> dict:
    from warehouse.search_index import index_path, search
    from warehouse.search_writer import SearchWriter

    db = tmp / f"w{size}.duckdb"
    row: dict = {"size": size}
    con = build_warehouse(db, size)
    row["db MiB"] = db.stat().st_size / 2**20
    folder = index_path(db)
    row["build s"] = timed(lambda: SearchWriter.open(folder, con, say=lambda line: None).close())
    writer = SearchWriter.open(folder, con)
    adds = []
    for n in range(options.repeat):
        batch = new_articles(con, size + n * 100)
        adds.append(timed(lambda: writer.index_batch(con, batch)))
    writer.close()
    row["add 100 s"] = statistics.mean(adds)
    row["index MiB"] = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    latencies = {q: statistics.median(timed(lambda: search(db, q)) for _ in range(options.repeat)) for q in QUERIES}
    row["search s"] = max(latencies.values())
    extension = fts_extension()
    if extension and size <= options.fts_up_to:
        con.execute(f"LOAD '{extension}'")
        row["fts rebuild s"] = timed(lambda: con.execute(FTS_INDEX))
        row["fts search s"] = max(statistics.median(timed(lambda: con.execute(FTS_SEARCH, {"query": q}).fetchall())
                                                    for _ in range(min(3, options.repeat))) for q in QUERIES)
        con.execute("DROP SCHEMA fts_main_documents CASCADE")
    con.close()
    row["search while writing s"] = search_while_writing(db, folder, tmp, size, options.repeat)
    return row


def search_while_writing(db: Path, folder: Path, tmp: Path, size: int, repeat: int) -> float:
    """The slowest of ``repeat`` searches per query while another process adds 100 articles and commits in a loop."""
    from warehouse.search_index import search

    stop = tmp / "stop"
    stop.unlink(missing_ok=True)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(folder), str(stop), str(size * 10)],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        slowest = max(timed(lambda: search(db, q)) for q in QUERIES for _ in range(repeat))
        assert writer.poll() is None, "the writer stopped before the searches ended"
    finally:
        stop.touch()
        batches = writer.communicate(timeout=600)[0].split()[-1]
    print(f"  ({size:,}: {batches} batches of 100 committed by the other process during the searches)")
    return slowest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--fts-up-to", type=int, default=100_000, help="largest size at which DuckDB's fts is timed")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    print("command: python -m benchmarks.search_index " + " ".join(sys.argv[1:]))
    rows = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
        for size in options.sizes:
            rows.append(measure(size, options, Path(tmp)))
            print(" ".join(f"{k}={v:,.3f}" if isinstance(v, float) else f"{k}={v:,}" for k, v in rows[-1].items()),
                  flush=True)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    print("\n| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(f"{row[c]:,.3f}" if isinstance(row.get(c), float) else f"{row.get(c, '—'):,}"
                                if c in row else "—" for c in columns) + " |")
    for row in rows:
        if "fts rebuild s" in row:
            print(f"{row['size']:,} articles: 100 new articles cost the index {row['add 100 s']:.3f} s, the fts rebuild "
                  f"{row['fts rebuild s']:.1f} s ({row['fts rebuild s'] / row['add 100 s']:,.0f}x); search "
                  f"{row['search s']:.3f} s against {row['fts search s']:.2f} s "
                  f"({row['fts search s'] / row['search s']:,.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
