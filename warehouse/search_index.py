"""Full-text search: a Tantivy index in the warehouse's folder, which a run only adds to.

The database is the source of truth; the index is derived from its ``documents`` (title and text,
BM25) and lives in the lake's ``search/`` folder (``index_path``). Tantivy keeps the index as
segments: each batch the writer commits adds a small segment (its changed articles deleted by
``doc_id`` then added again), segments are merged in the background, and a reader in another process opens the last
commit without waiting for the writer. So a run's search cost follows the run's articles, and
search reads only the postings of the query's words.

Crash safety: every write of ``documents`` also records the ``doc_id`` in ``search_backlog``, in
the same transaction (``insert_documents.sql``); the writer clears the backlog once the index has
committed those articles. A process that dies in between leaves the backlog, and the next writer to
open catches it up (``SearchWriter.open``). The index is checked against the database at every
open (its article count, and its format marker): a folder missing, unreadable, of another format or
out of step with the database (deleted database, restored backup) is rebuilt from the database.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterable, NamedTuple

import tantivy

from core.errors import DatabaseUnavailable, WarehouseError
from warehouse.search_text import TOKENIZER, normalise, query_words, snippet

FORMAT = 1  # of the index (schema and text normalisation): another one is rebuilt
MARKER = "mediamon-search.json"
WRITER_HEAP_BYTES = 64_000_000  # tantivy's indexing buffer: a segment is written when it fills
_SHOWN = ("url", "title", "language", "snippet")  # stored for the results, never searched


class SearchHit(NamedTuple):
    """One article found: a row (``pandas.DataFrame(hits)`` names its columns)."""

    score: float
    doc_id: str
    url: str
    title: str | None
    language: str | None
    snippet: str


class IndexedArticle(NamedTuple):
    doc_id: str
    url: str
    title: str | None
    language: str | None
    text: str | None


class SearchIndexUnavailable(WarehouseError):
    """The search index cannot be read (missing, being rebuilt, damaged): one line, exit 1."""


def index_path(db_path: Path, storage: str | None = None) -> Path:
    """Where the search index of the database ``db_path`` lives: ``search/`` inside its lake folder
    (warehouse.lake); with the file storage, ``<name>.search`` beside the file. ``storage``: default
    ``MEDIAMON_STORAGE``."""
    from warehouse import lake

    db_path = Path(db_path)
    if (storage or lake.storage_from_env()) == "lake":
        return lake.lake_folder(db_path) / lake.SEARCH
    stem = db_path.name[: -len(".duckdb")] if db_path.name.endswith(".duckdb") else db_path.name
    return db_path.with_name(f"{stem}.search")


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("doc_id", stored=True, tokenizer_name="raw", index_option="basic")
    for searched in ("title", "text"):
        builder.add_text_field(searched, stored=False, tokenizer_name=TOKENIZER, index_option="position")
    builder.add_bytes_field("shown", stored=True)  # JSON of _SHOWN
    return builder.build()


def document(article: IndexedArticle) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("doc_id", article.doc_id)
    doc.add_text("title", normalise(article.title or ""))
    doc.add_text("text", normalise(article.text or ""))
    shown = {"url": article.url, "title": article.title, "language": article.language,
             "snippet": snippet(article.text)}
    doc.add_bytes("shown", json.dumps(shown, ensure_ascii=False).encode("utf-8"))
    return doc


# -- reading ------------------------------------------------------------------------------------

def search(db_path: Path | str, query: str, limit: int = 20) -> list[SearchHit]:
    """The articles of the database ``db_path`` matching ``query``, best first (BM25 over title and
    text; any word matches, more and rarer words rank higher; a word the tokenizer splits, such as
    ``Karabağ'da`` or ``COVID-19``, matches as a phrase). Reads the index only, never waits for a run."""
    folder = index_path(Path(db_path))
    index = open_for_reading(folder)
    words = query_words(query)
    if not words:
        return []
    try:
        searcher = index.searcher()
        found = searcher.search(_query(index.schema, words), limit, count=False).hits
        hits = [_hit(score, searcher.doc(address)) for score, address in found]
    except (ValueError, OSError) as exc:
        raise SearchIndexUnavailable(f"cannot read the search index {folder}: {_first_line(exc)}") from None
    return sorted(hits, key=lambda hit: (-hit.score, hit.doc_id))


def open_for_reading(folder: Path) -> tantivy.Index:
    if not (folder / "meta.json").is_file():
        raise SearchIndexUnavailable(f"no search index at {folder}: the next run (e.g. `mediamon run`) "
                                     f"builds it from the database")
    try:
        return tantivy.Index.open(str(folder))
    except (ValueError, OSError) as exc:
        raise SearchIndexUnavailable(f"cannot read the search index {folder} ({_first_line(exc)}): the next run "
                                     f"rebuilds it from the database") from None


def _query(index_schema: tantivy.Schema, words: list[list[str]]) -> tantivy.Query:
    clauses = []
    for terms in words:
        for field in ("title", "text"):
            query = (tantivy.Query.term_query(index_schema, field, terms[0]) if len(terms) == 1
                     else tantivy.Query.phrase_query(index_schema, field, terms))
            clauses.append((tantivy.Occur.Should, query))
    return tantivy.Query.boolean_query(clauses)


def _hit(score: float, doc: tantivy.Document) -> SearchHit:
    shown = json.loads(doc.get_first("shown"))
    return SearchHit(round(score, 4), doc.get_first("doc_id"), *(shown[name] for name in _SHOWN))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- the folder -----------------------------------------------------------------------------------

def is_ours(folder: Path, marker: str = MARKER) -> bool:
    """A folder mediamon may replace: it holds our marker (``marker``: of the search index, or of
    another Tantivy index of the warehouse) or a Tantivy index, or nothing."""
    return (folder / marker).is_file() or (folder / "meta.json").is_file() or not any(folder.iterdir())


def marker_format(folder: Path, marker: str = MARKER) -> int | None:
    try:
        return json.loads((folder / marker).read_text("utf-8")).get("format")
    except (OSError, ValueError, AttributeError):
        return None


def write_marker(folder: Path) -> None:
    (folder / MARKER).write_text(json.dumps({"format": FORMAT, "tokenizer": TOKENIZER}) + "\n", "utf-8")


def replace_folder(built: Path, folder: Path) -> None:
    """Put the index built in ``built`` at ``folder``. A reader with the old index open keeps
    reading its files (removed from the folder, alive until closed)."""
    retired = folder.with_name(folder.name + ".retired")
    shutil.rmtree(retired, ignore_errors=True)
    if folder.exists():
        folder.rename(retired)
    built.rename(folder)
    shutil.rmtree(retired, ignore_errors=True)


def remove_leftovers(folder: Path, suffixes: tuple[str, ...] = (".building", ".retired")) -> None:
    """What a writer that died while rebuilding left beside the index."""
    for suffix in suffixes:
        shutil.rmtree(folder.with_name(folder.name + suffix), ignore_errors=True)


def writing_failure(folder: Path, exc: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(f"cannot write the search index {folder}: {_first_line(exc)}")


def add_all(writer: tantivy.IndexWriter, articles: Iterable[IndexedArticle]) -> None:
    """Delete each article's earlier entry and add it again (not committed yet)."""
    for article in articles:
        writer.delete_documents_by_term("doc_id", article.doc_id)
        writer.add_document(document(article))
