"""Full-text search over article text with DuckDB's ``fts`` extension, loaded offline by path.

The extension ships in the ``duckdb-extension-fts`` package (same version as duckdb), so no
``INSTALL`` (a download) is ever needed. The index is rebuilt in the writer's database before
each publish; analysts query it read-only.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import duckdb_extension_fts

from core.errors import WarehouseError
from warehouse.db import sql


def extension_path() -> Path:
    """The fts extension file that matches the installed duckdb."""
    root = Path(duckdb_extension_fts.__file__).resolve().parent / "extensions"
    exact = root / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if exact.exists():
        return exact
    found = sorted(root.glob("*/fts.duckdb_extension"))
    if not found:
        raise WarehouseError(f"the full-text search extension is missing from {root}: "
                             f"pip install duckdb-extension-fts=={duckdb.__version__}")
    return found[-1]


def load(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"LOAD '{extension_path()}'")


def rebuild_index(con: duckdb.DuckDBPyConnection) -> bool:
    """(Re)build the BM25 index over documents' title and text (any script, no stemming, case folded)
    unless no article changed since the last build; say whether it was rebuilt."""
    signature = con.execute(sql("documents_signature")).fetchone()[0]
    built = con.execute("SELECT documents_signature FROM fts_state").fetchone()
    if built and built[0] == signature:
        return False
    load(con)
    con.execute(sql("fts_index"))
    con.execute(sql("fts_state_update"), {"signature": signature})
    return True


def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 20) -> list[tuple]:
    """(score, doc_id, url, title, language, snippet) best first; empty when nothing matches."""
    load(con)
    has_index = con.execute(
        "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'fts_main_documents'").fetchone()[0]
    if not has_index:
        return []
    return con.execute(sql("fts_search"), {"query": query, "limit": limit}).fetchall()
