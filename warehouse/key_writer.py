"""The writer's side of the duplicate look-up index (``warehouse.key_index``), kept in step with the tables.

A batch's transaction records the ids it (re)indexes in ``key_backlog`` and hands their keys to
``stage``; after the transaction commits, ``commit`` writes them to the index, commits it and
clears the backlog. A process that dies in between leaves the backlog, and the next writer to open
re-reads those documents from the tables (``catch_up``). At open the index is also checked against
the tables (its format marker, and that it holds as many documents as ``fingerprints``): a folder
missing, unreadable, of another format or out of step is rebuilt from the tables, with a line
saying so and a progress line every ``PROGRESS_SECONDS``.
"""
from __future__ import annotations

import json
import shutil
import sqlite3
import time
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Callable, Iterable, Iterator

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from core.errors import DatabaseUnavailable, DatabaseUnusable
from core.records import Anchor
from core.similarity import band_keys
from warehouse.db import run_staged, transaction
from warehouse.key_index import (DATABASE, FORMAT, INDEXES, MARKER, TABLES, KeyDoc, KeySearch, connect, doc_row,
                                 terms, unpack_anchors)
from warehouse.search_index import is_ours, marker_format, remove_leftovers, replace_folder

PROGRESS_SECONDS = 10.0
CHUNK_DOCUMENTS = 50_000  # documents joined at a time by a rebuild
BUILD_CACHE_KIB = 65_536  # SQLite's page cache (and sort memory) while a rebuild sorts the keys
_WRITE_DOCUMENTS = 5_000  # documents a rebuild writes at a time
_PART_FLUSH_ROWS = 2_048  # rows a part buffers before it is written out
_INDEX_ERRORS = (sqlite3.Error, OSError, ValueError)


class KeyWriter:
    """The key index of one warehouse, written by its one writer process."""

    def __init__(self, folder: Path, con: sqlite3.Connection) -> None:
        self.folder, self.con = folder, con
        self.pending: dict[str, KeyDoc | None] = {}
        self.reread: set[str] = set()

    # -- opening --------------------------------------------------------------------------------
    @classmethod
    def open(cls, folder: Path, con: duckdb.DuckDBPyConnection, say: Callable[[str], None]) -> "KeyWriter":
        """The writer of the index at ``folder``, in step with the tables of ``con``."""
        remove_leftovers(folder, (".building", ".retired", ".parts"))
        keys, why = cls._open_existing(folder)
        if keys is not None:
            try:
                keys.catch_up(con)
                why = keys.out_of_step(con)
            except _INDEX_ERRORS as exc:
                why = _first_line(f"unreadable: {exc}")
            if why is None:
                return keys
            keys.close()
        return cls.rebuild(folder, con, why, say)

    @classmethod
    def _open_existing(cls, folder: Path) -> tuple["KeyWriter | None", str]:
        if not folder.exists():
            return None, "none yet"
        if marker_format(folder, MARKER) != FORMAT:
            return None, "written by another mediamon version" if (folder / MARKER).is_file() else "no index in the folder"
        if not (folder / DATABASE).is_file():
            return None, "no index in the folder"
        con = None
        try:
            con = connect(folder / DATABASE)
            con.execute("PRAGMA journal_mode = WAL")   # a commit appends to the log, synced; readers never wait
            con.execute("PRAGMA synchronous = FULL")
            return cls(folder, con), ""
        except _INDEX_ERRORS as exc:
            if con is not None:
                con.close()
            return None, _first_line(f"unreadable: {exc}")

    def out_of_step(self, con: duckdb.DuckDBPyConnection) -> str | None:
        """Why the index does not hold the indexed documents (None when it does): the numbers differ."""
        indexed = self.search().documents
        stored = con.execute("SELECT count(*) FROM fingerprints").fetchone()[0]
        return None if indexed == stored else f"it holds {indexed:,} documents, the tables {stored:,}"

    # -- a batch --------------------------------------------------------------------------------
    def search(self) -> KeySearch:
        """Look-ups against the last commit (a new one for each batch: ``KeySearch.hide`` is the batch's)."""
        return KeySearch(self.con)

    def stage(self, con: duckdb.DuckDBPyConnection, docs: list[KeyDoc]) -> None:
        """Inside a batch's transaction: record ``docs`` (added or indexed again) in the backlog;
        ``commit`` writes them once the transaction has committed."""
        if docs:
            run_staged(con, "insert_key_backlog",
                       staged_key_backlog=pa.table({"doc_id": pa.array([doc.doc_id for doc in docs], pa.string())}))
            self.pending.update({doc.doc_id: doc for doc in docs})

    def stage_ids(self, con: duckdb.DuckDBPyConnection, doc_ids: set[str]) -> None:
        """Inside a transaction: ``doc_ids`` changed in the tables (an upgrade gave them anchors);
        ``commit`` reads them again from the tables."""
        if doc_ids:
            run_staged(con, "insert_key_backlog",
                       staged_key_backlog=pa.table({"doc_id": pa.array(sorted(doc_ids), pa.string())}))
            self.reread |= doc_ids

    @contextmanager
    def batch(self, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """A transaction whose staged keys the index commits once it has committed (forgotten if it rolls back)."""
        try:
            with transaction(con):
                yield
        except BaseException:
            self.discard()
            raise
        self.commit(con)

    def discard(self) -> None:
        """The batch's transaction rolled back: forget what it staged."""
        self.pending.clear()
        self.reread.clear()

    def commit(self, con: duckdb.DuckDBPyConnection) -> None:
        """Write what committed transactions staged, commit the index, clear the backlog."""
        if not self.pending and not self.reread:
            return
        if self.reread:
            self.pending.update(_from_tables(con, sorted(self.reread)))
        self._write(self.pending)
        self.discard()
        con.execute("DELETE FROM key_backlog")

    def _write(self, docs: dict[str, KeyDoc | None]) -> None:
        """Replace each document's entry (None: remove it), in one SQLite transaction."""
        try:
            self.con.execute("BEGIN IMMEDIATE")
            try:
                for doc_id, doc in docs.items():
                    _remove(self.con, doc_id)
                    if doc is not None:
                        _add(self.con, doc)
                self.con.execute("COMMIT")
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
        except _INDEX_ERRORS as exc:
            raise _writing_failure(self.folder, exc) from None

    def catch_up(self, con: duckdb.DuckDBPyConnection) -> None:
        """Index again what committed batches recorded and a process that died before the index commit left out."""
        backlog = [row[0] for row in con.execute("SELECT DISTINCT doc_id FROM key_backlog ORDER BY 1").fetchall()]
        if backlog:
            self._write(_from_tables(con, backlog))
            con.execute("DELETE FROM key_backlog")

    # -- a rebuild ------------------------------------------------------------------------------
    @classmethod
    def rebuild(cls, folder: Path, con: duckdb.DuckDBPyConnection, why: str,
                say: Callable[[str], None]) -> "KeyWriter":
        """Build the index from every indexed document in a folder beside ``folder``, then put it in place.

        Memory stays bounded whatever the warehouse's size (``_every_doc``, ``write_index``)."""
        if folder.exists() and (not folder.is_dir() or not is_ours(folder, MARKER)):
            raise DatabaseUnusable(f"{folder} is not a mediamon key index (the warehouse's duplicate look-up "
                                   f"index goes there): move it away")
        total = con.execute("SELECT count(*) FROM fingerprints").fetchone()[0]
        if total:
            say(f"mediamon: building the duplicate look-up index {folder} from the tables ({why}): {total:,} documents")
        building = folder.with_name(folder.name + ".building")
        started = last = time.monotonic()

        def progress(done: int) -> None:   # every PROGRESS_SECONDS; then, if it said anything, the sort
            nonlocal last
            if time.monotonic() - last >= PROGRESS_SECONDS or (done == total and last != started):
                last = time.monotonic()
                say(f"mediamon: duplicate look-up index: {done:,} of {total:,} documents read "
                    f"({100 * done // max(total, 1)} %)" + ("; sorting their keys" if done == total else ""))

        try:
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            write_index(building, _every_doc(con, total, folder.with_name(folder.name + ".parts")),
                        progress if total else lambda done: None)
            (building / MARKER).write_text(json.dumps({"format": FORMAT}) + "\n", "utf-8")
            replace_folder(building, folder)
        except _INDEX_ERRORS as exc:
            shutil.rmtree(building, ignore_errors=True)
            raise _writing_failure(folder, exc) from None
        con.execute("DELETE FROM key_backlog")
        if last != started:
            say(f"mediamon: duplicate look-up index built: {total:,} documents in {time.monotonic() - started:.0f} s")
        keys, why = cls._open_existing(folder)
        if keys is None:
            raise _writing_failure(folder, RuntimeError(why))
        return keys

    def close(self) -> None:
        """Close the index's database (what is not committed is rolled back)."""
        if self.con is not None:
            self.con.close()
            self.con = None


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


def _remove(lite: sqlite3.Connection, doc_id: str) -> None:
    """``doc_id``'s entry out of the index, if it has one."""
    row = lite.execute("SELECT id, minhash, anchors FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        return
    row_id, minhash, anchors = row
    old = KeyDoc(doc_id, "", None, "", band_keys(bytes(minhash)), b"", 0, None, unpack_anchors(anchors))
    lsh, probes, every = terms(old)
    lite.executemany("DELETE FROM lsh WHERE key = ? AND id = ?", [(k, row_id) for k in lsh])
    lite.executemany("DELETE FROM anchor WHERE key = ? AND id = ?", [(k, row_id) for k in probes])
    lite.executemany("UPDATE anchor_df SET n = n - 1 WHERE key = ?", [(k,) for k in every])
    lite.executemany("DELETE FROM anchor_df WHERE key = ? AND n <= 0", [(k,) for k in every])
    lite.execute("DELETE FROM docs WHERE id = ?", (row_id,))


def _add(lite: sqlite3.Connection, doc: KeyDoc) -> None:
    row_id = lite.execute("INSERT INTO docs (doc_id, kind, language, sha, minhash, shingles, first_seen, anchors) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", doc_row(doc)).lastrowid
    lsh, probes, every = terms(doc)
    lite.executemany("INSERT OR IGNORE INTO lsh VALUES (?, ?)", [(k, row_id) for k in lsh])
    lite.executemany("INSERT OR IGNORE INTO anchor VALUES (?, ?)", [(k, row_id) for k in probes])
    lite.executemany("INSERT INTO anchor_df VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1",
                     [(k,) for k in every])


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


def _from_tables(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> dict[str, KeyDoc | None]:
    """``doc_ids`` as the tables hold them now (None: no longer indexed)."""
    ids = pa.table({"doc_id": pa.array(doc_ids, pa.string())})
    found = {doc.doc_id: doc for doc in _rows(run_staged(con, "key_docs", staged_key_docs=ids))}
    return {doc_id: found.get(doc_id) for doc_id in doc_ids}


_PARTED = {"fingerprints": "doc_id, kind, normalized_sha256, minhash, shingle_count, first_seen",
           "documents": "doc_id, language", "seed_docs": "seed_id AS doc_id, language",
           "anchor_sets": "doc_id, anchors, surfaces"}


def _every_doc(con: duckdb.DuckDBPyConnection, total: int, parts_folder: Path) -> Iterator[KeyDoc]:
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
    yield from _rows((doc_id, kind, languages.get(doc_id), sha, minhash, shingles, first_seen, *anchored.get(doc_id, (None, None)))
                     for doc_id, kind, sha, minhash, shingles, first_seen in zip(*columns))


def _rows(rows: Iterable[tuple]) -> Iterator[KeyDoc]:
    for doc_id, kind, language, sha, minhash, shingles, first_seen, keys, surfaces in rows:
        anchors = tuple(Anchor(k, s) for k, s in zip(keys or (), surfaces or ()))
        yield KeyDoc(doc_id, kind, language, sha, band_keys(minhash), minhash, shingles, first_seen, anchors)


def _first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0] if text else "unknown error"


def _writing_failure(folder: Path, exc: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(f"cannot write the duplicate look-up index {folder}: {_first_line(str(exc)) or type(exc).__name__}")
