"""Pages as Arrow tables (written as Parquet by a shard, read back by the committer), losslessly.

A shard hands its results to the warehouse through shared storage instead of a function call, so a
``Page`` (fetch attempt, article, language, fingerprint) must come back exactly as it left: the
committer then runs the same ``commit_batch`` (and dedupe) as a single-process run.
"""
from __future__ import annotations

import dataclasses

import pyarrow as pa

from mediamon.records import Anchor, Article, FetchResult, Fingerprint, Language, Outcome, Page

_FETCH_FIELDS = tuple(f.name for f in dataclasses.fields(FetchResult) if f.name != "body")


def _fetch_row(fetch: FetchResult) -> dict:
    row = {name: getattr(fetch, name) for name in _FETCH_FIELDS}
    row["outcome"] = str(fetch.outcome)
    row["redirects"] = list(fetch.redirects)
    return row


def _fingerprint_row(fp: Fingerprint | None) -> dict | None:
    if fp is None:
        return None
    return {"normalized_sha256": fp.normalized_sha256, "minhash": fp.minhash, "band_keys": list(fp.band_keys),
            "shingle_count": fp.shingle_count, "anchors": [{"key": a.key, "surface": a.surface} for a in fp.anchors]}


def _record_row(record) -> dict | None:
    return None if record is None else dataclasses.asdict(record)


def page_row(page: Page) -> dict:
    """One page as a row of nested columns (the body is never written: the WARC keeps it)."""
    return {"fetch": _fetch_row(page.fetch), "article": _record_row(page.article),
            "language": _record_row(page.language), "fingerprint": _fingerprint_row(page.fingerprint),
            "content_sha256": page.content_sha256}


_ANCHOR = pa.struct([("key", pa.string()), ("surface", pa.string())])
_FINGERPRINT = pa.struct([("normalized_sha256", pa.string()), ("minhash", pa.binary()),
                          ("band_keys", pa.list_(pa.int64())), ("shingle_count", pa.int64()),
                          ("anchors", pa.list_(_ANCHOR))])
_UTC = pa.timestamp("us", tz="UTC")
_FETCH = pa.struct([
    ("url", pa.string()), ("attempted_at", _UTC), ("outcome", pa.string()), ("http_status", pa.int32()),
    ("final_url", pa.string()), ("redirects", pa.list_(pa.string())), ("content_type", pa.string()),
    ("bytes", pa.int64()), ("elapsed_ms", pa.int64()), ("error", pa.string()), ("etag", pa.string()),
    ("last_modified", pa.string()), ("via", pa.string()), ("warc_file", pa.string()), ("warc_offset", pa.int64()),
    ("payload_digest", pa.string()), ("snapshot_at", _UTC), ("archive_url", pa.string()), ("fetch_id", pa.string()),
])
_ARTICLE = pa.struct([(name, pa.string()) for name in ("text", "title", "author", "published_at", "sitename",
                                                       "extractor")])
_LANGUAGE = pa.struct([("code", pa.string()), ("score", pa.float64()), ("method", pa.string()),
                       ("langdetect_code", pa.string()), ("langdetect_score", pa.float64()),
                       ("langid_code", pa.string()), ("langid_score", pa.float64()), ("declared", pa.string())])
PAGE_SCHEMA = pa.schema([("fetch", _FETCH), ("article", _ARTICLE), ("language", _LANGUAGE),
                         ("fingerprint", _FINGERPRINT), ("content_sha256", pa.string())])


def pages_table(pages: list[Page]) -> pa.Table:
    return pa.Table.from_pylist([page_row(page) for page in pages], schema=PAGE_SCHEMA)


def _fetch(row: dict) -> FetchResult:
    return FetchResult(**{**row, "outcome": Outcome(row["outcome"]), "redirects": tuple(row["redirects"] or ())})


def _fingerprint(row: dict | None) -> Fingerprint | None:
    if row is None:
        return None
    return Fingerprint(row["normalized_sha256"], row["minhash"], tuple(row["band_keys"]), row["shingle_count"],
                       tuple(Anchor(a["key"], a["surface"]) for a in row["anchors"] or ()))


def page_from_row(row: dict) -> Page:
    return Page(_fetch(row["fetch"]), Article(**row["article"]) if row["article"] else None,
                Language(**row["language"]) if row["language"] else None, _fingerprint(row["fingerprint"]),
                row["content_sha256"])


def table_pages(table: pa.Table) -> list[Page]:
    return [page_from_row(row) for row in table.to_pylist()]
