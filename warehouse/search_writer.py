"""The run's side of the search index (``warehouse.search_index``): kept in step with the database.

Opened by the writer (``Warehouse.open``), which holds the database's write lock, so one process at
a time writes the index. At open the index is checked against the database and brought in step:
the backlog a crashed run left is indexed (``catch_up``); a folder missing, unreadable, of another
format, or holding another number of articles than the database is rebuilt from the database
(one line says so, then a progress line every ``PROGRESS_SECONDS``).
"""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import tantivy

from core.errors import DatabaseUnusable
from warehouse.db import sql
from warehouse.search_index import (FORMAT, WRITER_HEAP_BYTES, IndexedArticle, add_all, document, is_ours,
                                    marker_format, remove_leftovers, replace_folder, schema, write_marker, writing_failure)

PROGRESS_SECONDS = 10.0
_READ_ROWS = 2_000  # documents read at a time by a rebuild
_TANTIVY_ERRORS = (ValueError, OSError)


def say_on_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class SearchWriter:
    """The index writer of one database; ``index_batch`` after each committed batch."""

    def __init__(self, folder: Path, index: tantivy.Index, writer: tantivy.IndexWriter) -> None:
        self.folder, self.index, self.writer = folder, index, writer

    @classmethod
    def open(cls, folder: Path, con: duckdb.DuckDBPyConnection,
             say: Callable[[str], None] = say_on_stderr) -> "SearchWriter":
        """The writer of the index at ``folder``, in step with the database ``con``."""
        remove_leftovers(folder)
        search, why = cls._open_existing(folder)
        if search is not None:
            try:
                search.catch_up(con)
                why = search.out_of_step(con)
            except _TANTIVY_ERRORS as exc:
                why = f"unreadable: {exc}".splitlines()[0]
            if why is None:
                return search
            search.close()
        return cls.rebuild(folder, con, why, say)

    @classmethod
    def _open_existing(cls, folder: Path) -> tuple["SearchWriter | None", str]:
        if not (folder / "meta.json").is_file():
            return None, "none yet" if not folder.exists() else "no index in the folder"
        if marker_format(folder) != FORMAT:
            return None, "written by another mediamon version"
        try:
            index = tantivy.Index.open(str(folder))
            return cls(folder, index, index.writer(WRITER_HEAP_BYTES, 1)), ""
        except _TANTIVY_ERRORS as exc:
            return None, f"unreadable: {exc}".splitlines()[0]

    def out_of_step(self, con: duckdb.DuckDBPyConnection) -> str | None:
        """Why the index does not hold the database's articles (None when it does): the numbers differ."""
        self.index.reload()
        indexed = self.index.searcher().num_docs
        stored = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        return None if indexed == stored else f"it holds {indexed:,} articles, the database {stored:,}"

    def index_batch(self, con: duckdb.DuckDBPyConnection, articles: list[IndexedArticle]) -> None:
        """Index a committed batch's articles (each replacing its earlier entry), commit, and clear
        the backlog; anything else in the backlog is read from the database and indexed too."""
        pending = con.execute("SELECT count(DISTINCT doc_id) FROM search_backlog").fetchone()[0]
        if pending == 0:
            return
        if pending > len({article.doc_id for article in articles}):
            articles = _backlog(con)
        try:
            add_all(self.writer, articles)
            self.writer.commit()
        except _TANTIVY_ERRORS as exc:
            raise writing_failure(self.folder, exc) from None
        con.execute("DELETE FROM search_backlog")

    def catch_up(self, con: duckdb.DuckDBPyConnection) -> None:
        """Index what the database committed and a process that died before the index commit left out."""
        self.index_batch(con, [])

    @classmethod
    def rebuild(cls, folder: Path, con: duckdb.DuckDBPyConnection, why: str,
                say: Callable[[str], None] = say_on_stderr) -> "SearchWriter":
        """Build the index from every stored article in a folder beside ``folder``, then put it in place."""
        if folder.exists() and (not folder.is_dir() or not is_ours(folder)):
            raise DatabaseUnusable(f"{folder} is not a mediamon search index (the database's index goes there): "
                                   f"move it away")
        total = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        if total:
            say(f"mediamon: building the search index {folder} from the database ({why}): {total:,} articles")
        building = folder.with_name(folder.name + ".building")
        try:
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            index = tantivy.Index(schema(), str(building), reuse=False)
            writer = index.writer(WRITER_HEAP_BYTES, 1)
            progress = _Progress(total, say)
            for article in _every_article(con):
                writer.add_document(document(article))
                progress.add()
            writer.commit()
            writer.wait_merging_threads()
            del writer, index
            write_marker(building)
            replace_folder(building, folder)
        except _TANTIVY_ERRORS as exc:
            shutil.rmtree(building, ignore_errors=True)
            raise writing_failure(folder, exc) from None
        con.execute("DELETE FROM search_backlog")
        progress.done()
        search, why = cls._open_existing(folder)
        if search is None:
            raise writing_failure(folder, RuntimeError(why))
        return search

    def close(self) -> None:
        """Drop the writer (its lock released; a merge in progress is abandoned, its files collected later)."""
        self.writer = self.index = None


def _backlog(con: duckdb.DuckDBPyConnection) -> list[IndexedArticle]:
    return [IndexedArticle(*row) for row in con.execute(sql("search_backlog_articles")).fetchall()]


def _every_article(con: duckdb.DuckDBPyConnection) -> Iterator[IndexedArticle]:
    reader = con.execute(sql("search_every_article")).to_arrow_reader(_READ_ROWS)
    for batch in reader:
        yield from (IndexedArticle(*row) for row in zip(*(column.to_pylist() for column in batch.columns)))


class _Progress:
    """A line every PROGRESS_SECONDS while a rebuild runs, and one when it ends (if it took that long)."""

    def __init__(self, total: int, say: Callable[[str], None]) -> None:
        self.total, self.say, self.count = total, say, 0
        self.started = self.last = time.monotonic()

    def add(self) -> None:
        self.count += 1
        if self.count % 1000 == 0 and time.monotonic() - self.last >= PROGRESS_SECONDS:
            self.last = time.monotonic()
            self.say(f"mediamon: search index: {self.count:,} of {self.total:,} articles indexed "
                     f"({100 * self.count // max(self.total, 1)} %)")

    def done(self) -> None:
        if self.last != self.started:
            self.say(f"mediamon: search index built: {self.count:,} articles in {time.monotonic() - self.started:.0f} s")
