"""Pages as Arrow tables (written as Parquet by a shard, read back by the committer), losslessly.

A shard hands its results to the warehouse through shared storage instead of a function call, so a
``Page`` (fetch attempt, article, language, fingerprint) must come back exactly as it left: the
committer then runs the same ``commit_batch`` (and dedupe) as a single-process run.
"""
from __future__ import annotations

import dataclasses

import pyarrow as pa

from core.records import Anchor, Article, Fingerprint, Language, Page
from warehouse.fetch_rows import FETCH_STRUCT, fetch_from_row, fetch_row

def _fingerprint_row(fp: Fingerprint | None) -> dict | None:
    if fp is None:
        return None
    return {"normalized_sha256": fp.normalized_sha256, "minhash": fp.minhash, "band_keys": list(fp.band_keys),
            "shingle_count": fp.shingle_count, "anchors": [{"key": a.key, "surface": a.surface} for a in fp.anchors]}


def _record_row(record) -> dict | None:
    return None if record is None else dataclasses.asdict(record)


def page_row(page: Page) -> dict:
    """One page as a row of nested columns (the body is never written: the WARC keeps it)."""
    return {"fetch": fetch_row(page.fetch), "article": _record_row(page.article),
            "language": _record_row(page.language), "fingerprint": _fingerprint_row(page.fingerprint),
            "content_sha256": page.content_sha256}


_ANCHOR = pa.struct([("key", pa.string()), ("surface", pa.string())])
_FINGERPRINT = pa.struct([("normalized_sha256", pa.string()), ("minhash", pa.binary()),
                          ("band_keys", pa.list_(pa.int64())), ("shingle_count", pa.int64()),
                          ("anchors", pa.list_(_ANCHOR))])
_ARTICLE = pa.struct([(name, pa.string()) for name in ("text", "title", "author", "published_at", "sitename",
                                                       "extractor")])
_LANGUAGE = pa.struct([("code", pa.string()), ("score", pa.float64()), ("method", pa.string()),
                       ("langdetect_code", pa.string()), ("langdetect_score", pa.float64()),
                       ("langid_code", pa.string()), ("langid_score", pa.float64()), ("declared", pa.string())])
PAGE_SCHEMA = pa.schema([("fetch", FETCH_STRUCT), ("article", _ARTICLE), ("language", _LANGUAGE),
                         ("fingerprint", _FINGERPRINT), ("content_sha256", pa.string())])


def pages_table(pages: list[Page]) -> pa.Table:
    return pa.Table.from_pylist([page_row(page) for page in pages], schema=PAGE_SCHEMA)


def _fingerprint(row: dict | None) -> Fingerprint | None:
    if row is None:
        return None
    return Fingerprint(row["normalized_sha256"], row["minhash"], tuple(row["band_keys"]), row["shingle_count"],
                       tuple(Anchor(a["key"], a["surface"]) for a in row["anchors"] or ()))


def page_from_row(row: dict) -> Page:
    return Page(fetch_from_row(row["fetch"]), Article(**row["article"]) if row["article"] else None,
                Language(**row["language"]) if row["language"] else None, _fingerprint(row["fingerprint"]),
                row["content_sha256"])


def table_pages(table: pa.Table) -> list[Page]:
    return [page_from_row(row) for row in table.to_pylist()]
