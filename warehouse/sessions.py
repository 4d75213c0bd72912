"""The writer's session on the storage ``--db`` names, with its search index in step.

The lake (warehouse.lake) is the default: ``--db mediamon.duckdb`` means the folder
``mediamon.lake/``, which holds the catalog, the Parquet data and the search index; a DuckDB-file
warehouse found at the ``--db`` path is converted into it first (warehouse.lake_convert, one line
on standard error says so). ``MEDIAMON_STORAGE=file`` keeps the older storage: a private working
copy ``<name>.writer.duckdb`` published onto the ``--db`` file by copy (warehouse.snapshot), and the
search index in ``<name>.search/`` beside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import lake
from warehouse.db import check_writable, connect, sql
from warehouse.revisions import Kept
from warehouse.key_writer import KeyWriter
from warehouse.search_index import IndexedArticle, index_path
from warehouse.search_writer import SearchWriter, say_on_stderr
from warehouse.snapshot import bootstrap, remove_partial_copies, writer_path


@dataclass(frozen=True, slots=True)
class Session:
    """An open writer: its connection, where its writes go (``working``: the lake folder or the
    working copy), the analyst file a file-storage session publishes to, and the lake's lock."""

    con: duckdb.DuckDBPyConnection
    working: Path
    analyst: Path | None = None
    lake_lock: lake.WriterLock | None = None

    def close(self) -> None:
        self.con.close()
        if self.lake_lock is not None:
            lake.leave_readable(self.working)
            self.lake_lock.release()


def open_session(path: Path, memory_limit: str | None, storage: str | None) -> tuple[Session, Path]:
    """The writer's session for the ``--db`` path, and the folder of its search index."""
    analyst = Path(path)
    if (storage or lake.storage_from_env()) == "lake":
        lake.check_db_path(analyst)
        folder = lake.lake_folder(analyst)
        _convert_if_found(analyst, folder, memory_limit)
        con, lock = lake.open_writer(folder, memory_limit)
        return Session(con, folder, lake_lock=lock), folder / lake.SEARCH
    working = writer_path(analyst)
    check_writable(analyst)
    bootstrap(working, analyst)
    session = Session(connect(working, memory_limit), working, analyst)
    try:
        remove_partial_copies(analyst)  # once the writer is held: no other process publishes now
    except BaseException:
        session.close()
        raise
    return session, index_path(analyst, "file")


def warehouse_found(path: Path) -> bool:
    """Whether the ``--db`` path names a warehouse that exists (a lake, or a DuckDB file: the file
    storage's, or one the lake converts on first use)."""
    path = Path(path)
    if lake.storage_from_env() == "lake" and (lake.lake_folder(path) / lake.CATALOG).is_file():
        return True
    return path.exists() or writer_path(path).exists()


def _convert_if_found(analyst: Path, folder: Path, memory_limit: str | None) -> None:
    from warehouse.lake_convert import convert_if_found

    kept = convert_if_found(analyst, folder, memory_limit)
    if kept is not None:
        say_on_stderr(f"mediamon: converted {analyst} into the lake {folder}, every row kept "
                      f"(the file is kept as {kept.name} until you remove it)")


def ready_search(con: duckdb.DuckDBPyConnection, folder: Path) -> SearchWriter:
    """Mark runs left ``running`` as crashed, then open the search index in step with the database
    (a crashed run's backlog indexed, a missing or stale index rebuilt)."""
    con.execute(sql("mark_crashed_runs"))
    return SearchWriter.open(folder, con)


def keys_folder(search_folder: Path) -> Path:
    """Where the duplicate look-up index lives: beside the search index (``keys/`` in the lake,
    ``<name>.keys`` beside a DuckDB file)."""
    return search_folder.with_name(search_folder.name[: -len("search")] + "keys")


def ready_keys(con: duckdb.DuckDBPyConnection, folder: Path) -> KeyWriter:
    """The duplicate look-up index in step with the tables (a crashed run's backlog indexed, a missing
    or stale index rebuilt)."""
    return KeyWriter.open(folder, con, say_on_stderr)


def indexed(kept: Kept) -> IndexedArticle:
    """An article kept, as the search index holds it."""
    page = kept.page
    return IndexedArticle(kept.doc_id, page.fetch.url, page.article.title, page.language.code, page.article.text)
