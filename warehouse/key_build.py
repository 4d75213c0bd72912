"""Building the duplicate look-up index (``warehouse.key_index``) whole, from the tables.

``every_doc`` reads every indexed document with memory bounded whatever the warehouse's size (the
tables split into parts by a hash of the id, joined one part at a time); ``write_index`` writes
them into a new index folder: the documents in arrival order and their keys to a scratch database,
which SQLite then sorts into the index's B-trees. ``warehouse.key_writer`` decides when to rebuild
and puts the built folder in place.
"""
from __future__ import annotations

import shutil
import sqlite3
from contextlib import suppress
from pathlib import Path
from typing import Callable, Iterable, Iterator

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from core.records import Anchor
from core.similarity import band_keys
from warehouse.key_index import DATABASE, INDEXES, TABLES, KeyDoc, connect, doc_row, terms

CHUNK_DOCUMENTS = 50_000  # documents joined at a time by a rebuild
BUILD_CACHE_KIB = 65_536  # SQLite's page cache (and sort memory) while a rebuild sorts the keys
_WRITE_DOCUMENTS = 5_000  # documents a rebuild writes at a time
_PART_FLUSH_ROWS = 2_048  # rows a part buffers before it is written out


def write_index(building: Path, docs: Iterable[KeyDoc], progress: Callable[[int], None]) -> None:
    """A new index of ``docs`` in the folder ``building`` (``progress``: documents written so far).

    The documents are written in arrival order and their keys to a scratch database; SQLite then
    sorts the keys into the index's B-trees, spilling to files in ``building``: memory stays within
    ``BUILD_CACHE_KIB`` whatever the warehouse's size, and each page is written full once."""
    lite = connect(building / DATABASE)
    scratch = building / "scratch.sqlite"
    try:
        # the sort's files beside the index, not in a temporary folder that may be small or in memory
        lite.execute("PRAGMA temp_store_directory = '{}'".format(str(building).replace("'", "''")))
        lite.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE"):
            lite.execute(f"PRAGMA {pragma}")
        lite.executescript(TABLES)
        lite.execute("ATTACH DATABASE ? AS scratch", (str(scratch),))
        for pragma in ("journal_mode = OFF", "synchronous = OFF"):
            lite.execute(f"PRAGMA scratch.{pragma}")
        lite.executescript("CREATE TABLE scratch.lsh (key INTEGER, id INTEGER);"
                           "CREATE TABLE scratch.anchor (key INTEGER, id INTEGER, probe INTEGER)")
        done, batch = 0, []
        for doc in docs:
            batch.append(doc)
            if len(batch) == _WRITE_DOCUMENTS:
                _append(lite, done + 1, batch)
                done, batch = done + len(batch), []
                progress(done)
        _append(lite, done + 1, batch)
        progress(done + len(batch))
        _sort_keys(lite)
        lite.execute("DETACH DATABASE scratch")
    finally:
        with suppress(sqlite3.Error):
            lite.execute("PRAGMA temp_store_directory = ''")
        lite.close()
        scratch.unlink(missing_ok=True)


def _append(lite: sqlite3.Connection, first_id: int, docs: list[KeyDoc]) -> None:
    """A rebuild's documents, numbered from ``first_id``, and their keys into the scratch tables."""
    if not docs:
        return
    lite.execute("BEGIN")
    lite.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     ((first_id + n, *doc_row(doc)) for n, doc in enumerate(docs)))
    lsh_rows, anchor_rows = [], []
    for n, doc in enumerate(docs):
        lsh, probes, every = terms(doc)
        probe = set(probes)
        lsh_rows.extend((k, first_id + n) for k in lsh)
        anchor_rows.extend((k, first_id + n, k in probe) for k in every)
    lite.executemany("INSERT INTO scratch.lsh VALUES (?, ?)", lsh_rows)
    lite.executemany("INSERT INTO scratch.anchor VALUES (?, ?, ?)", anchor_rows)
    lite.execute("COMMIT")


def _sort_keys(lite: sqlite3.Connection) -> None:
    """The scratch tables' keys into the index's B-trees, in key order (each page filled once)."""
    lite.execute("BEGIN")
    lite.execute("INSERT OR IGNORE INTO lsh SELECT key, id FROM scratch.lsh ORDER BY key, id")
    lite.execute("INSERT INTO anchor SELECT key, id FROM scratch.anchor WHERE probe ORDER BY key, id")
    lite.execute("INSERT INTO anchor_df SELECT key, count(*) FROM scratch.anchor GROUP BY key ORDER BY key")
    for statement in INDEXES.split(";"):
        if statement.strip():
            lite.execute(statement)
    lite.execute("COMMIT")


_PARTED = {"fingerprints": "doc_id, kind, normalized_sha256, minhash, shingle_count, first_seen",
           "documents": "doc_id, language", "seed_docs": "seed_id AS doc_id, language",
           "anchor_sets": "doc_id, anchors, surfaces"}


def every_doc(con: duckdb.DuckDBPyConnection, total: int, parts_folder: Path) -> Iterator[KeyDoc]:
    """Every indexed document. Each table is first split by a hash of the id into parts of about
    ``CHUNK_DOCUMENTS`` documents (Parquet files in ``parts_folder``, one pass over each table), then
    the parts are joined one at a time: the memory a rebuild needs does not grow with the warehouse."""
    parts = max(1, -(-total // CHUNK_DOCUMENTS))
    shutil.rmtree(parts_folder, ignore_errors=True)
    parts_folder.mkdir()
    con.execute(f"SET partitioned_write_flush_threshold = {_PART_FLUSH_ROWS}")  # every part's buffer within the cap
    try:
        for table, columns in _PARTED.items():
            target = str(parts_folder / table).replace("'", "''")
            con.execute(f"COPY (SELECT hash(doc_id) % {parts} AS part, * FROM (SELECT {columns} FROM {table})) "
                        f"TO '{target}' (FORMAT parquet, PARTITION_BY (part))")
        for part in range(parts):
            yield from _joined(*(_part(parts_folder / table / f"part={part}") for table in _PARTED))
    finally:
        con.execute("RESET partitioned_write_flush_threshold")
        shutil.rmtree(parts_folder, ignore_errors=True)


def _part(folder: Path) -> pa.Table | None:
    return pq.read_table(folder) if folder.is_dir() else None


def _joined(fingerprints: pa.Table | None, documents: pa.Table | None, seeds: pa.Table | None,
            anchor_sets: pa.Table | None) -> Iterator[KeyDoc]:
    """One part's documents: its fingerprints with their language and anchors (a part is small)."""
    if fingerprints is None:
        return
    languages = {}
    for table in (seeds, documents):
        if table is not None:
            languages.update(zip(table.column("doc_id").to_pylist(), table.column("language").to_pylist()))
    anchored = {} if anchor_sets is None else {
        doc_id: (keys, surfaces) for doc_id, keys, surfaces in zip(*(anchor_sets.column(c).to_pylist()
                                                                     for c in ("doc_id", "anchors", "surfaces")))}
    columns = [fingerprints.column(c).to_pylist() for c in
               ("doc_id", "kind", "normalized_sha256", "minhash", "shingle_count", "first_seen")]
    yield from key_docs((doc_id, kind, languages.get(doc_id), sha, minhash, shingles, first_seen, *anchored.get(doc_id, (None, None)))
                     for doc_id, kind, sha, minhash, shingles, first_seen in zip(*columns))


def key_docs(rows: Iterable[tuple]) -> Iterator[KeyDoc]:
    """KeyDocs of rows (doc_id, kind, language, sha, minhash, shingles, first_seen, anchor keys, surfaces)."""
    for doc_id, kind, language, sha, minhash, shingles, first_seen, keys, surfaces in rows:
        anchors = tuple(Anchor(k, s) for k, s in zip(keys or (), surfaces or ()))
        yield KeyDoc(doc_id, kind, language, sha, band_keys(minhash), minhash, shingles, first_seen, anchors)
