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
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pyarrow as pa

from core.errors import DatabaseUnavailable, DatabaseUnusable
from core.similarity import band_keys
from warehouse.db import run_staged, transaction
from warehouse.key_build import every_doc, key_docs, write_index
from warehouse.key_index import DATABASE, FORMAT, MARKER, KeyDoc, KeySearch, connect, doc_row, terms, unpack_anchors
from warehouse.search_index import is_ours, marker_format, remove_leftovers, replace_folder

PROGRESS_SECONDS = 10.0
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

        Memory stays bounded whatever the warehouse's size (``warehouse.key_build``)."""
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
            write_index(building, every_doc(con, total, folder.with_name(folder.name + ".parts")),
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


def _from_tables(con: duckdb.DuckDBPyConnection, doc_ids: list[str]) -> dict[str, KeyDoc | None]:
    """``doc_ids`` as the tables hold them now (None: no longer indexed)."""
    ids = pa.table({"doc_id": pa.array(doc_ids, pa.string())})
    found = {doc.doc_id: doc for doc in key_docs(run_staged(con, "key_docs", staged_key_docs=ids))}
    return {doc_id: found.get(doc_id) for doc_id in doc_ids}


def _first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0] if text else "unknown error"


def _writing_failure(folder: Path, exc: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(f"cannot write the duplicate look-up index {folder}: {_first_line(str(exc)) or type(exc).__name__}")
