"""Duplicate look-ups and the persisted index behind them.

Exact (normalised-text hash) and near (MinHash + persisted LSH buckets) duplicates, cross-lingual
candidates (warehouse.anchor_index) and clusters (warehouse.clusters). A batch is compared with
everything stored (seeds and documents share one id space) and with its own earlier items, then
added to the index: stored documents are looked up, never hashed again. Pairs point from the
later document to the earlier one.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import duckdb
import pyarrow as pa

from core.records import Anchor, Fingerprint
from core.similarity import estimated_jaccard
from warehouse.anchor_index import AnchoredDoc, CrossLingualPair, anchor_set_rows, find_cross_lingual
from warehouse.clusters import recluster
from warehouse.db import run_staged, sql, transaction
from warehouse.key_index import KeyDoc, KeySearch
from warehouse.key_writer import KeyWriter

NEAR_MATCHES_KEPT = 3
CONTAINMENT_THRESHOLD = 0.9   # the shorter text's shingles found in the longer one
MIN_CONTAINED_SHINGLES = 20   # containment of a tiny text says nothing


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    doc_id: str
    duplicate_of: str
    kind: str  # 'exact' or 'near'
    similarity: float   # estimated Jaccard of the shingle sets
    containment: float  # estimated share of the shorter text's shingles found in the longer one


def near_similarity(a: Fingerprint, b_minhash: bytes, b_shingles: int, threshold: float) -> tuple[float, float] | None:
    """(Jaccard, containment) when the pair is a near duplicate, else None.

    Near: Jaccard at or above ``threshold``, or the shorter text (20+ shingles) at least 90 %
    contained in the longer one (a republication inside a longer page, or quoted whole).
    Containment follows from Jaccard and the set sizes: |A∩B| = J (|A| + |B|) / (1 + J).
    """
    jaccard = estimated_jaccard(a.minhash, b_minhash)
    smaller = min(a.shingle_count, b_shingles)
    containment = min(1.0, jaccard * (a.shingle_count + b_shingles) / ((1 + jaccard) * smaller)) if smaller else 0.0
    if jaccard >= threshold or (containment >= CONTAINMENT_THRESHOLD and smaller >= MIN_CONTAINED_SHINGLES):
        return round(jaccard, 4), round(containment, 4)
    return None


def find_duplicates(keys: KeySearch, items: list[tuple[str, Fingerprint]], threshold: float) -> list[DuplicatePair]:
    """Duplicate pairs for ``items`` against the stored index (``keys``: its last commit) and
    against earlier items."""
    if not items:
        return []
    stored_exact = keys.exact_matches((doc_id, fp.normalized_sha256) for doc_id, fp in items)
    stored_near = [(doc_id, mate.doc_id, mate.minhash, mate.shingle_count)
                   for doc_id, fp in items if doc_id not in stored_exact
                   for mate in keys.bucket_mates(doc_id, fp.band_keys)]

    by_id = dict(items)
    near: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for doc_id, match_id, signature, shingle_count in stored_near:
        found = near_similarity(by_id[doc_id], signature, shingle_count, threshold)
        if found:
            near[doc_id][match_id] = found

    pairs: list[DuplicatePair] = []
    first_with_hash: dict[str, str] = {}
    earlier_in_bucket: dict[tuple[int, int], list[str]] = defaultdict(list)
    for doc_id, fp in items:
        exact_of = stored_exact.get(doc_id) or first_with_hash.get(fp.normalized_sha256)
        first_with_hash.setdefault(fp.normalized_sha256, doc_id)
        if exact_of:
            pairs.append(DuplicatePair(doc_id, exact_of, "exact", 1.0, 1.0))
        else:
            for key in {k for band in enumerate(fp.band_keys) for k in earlier_in_bucket.get(band, ())}:
                found = near_similarity(fp, by_id[key].minhash, by_id[key].shingle_count, threshold)
                if found:
                    near[doc_id][key] = found
            best = sorted(near[doc_id].items(), key=lambda kv: (-max(kv[1]), kv[0]))[:NEAR_MATCHES_KEPT]
            pairs.extend(DuplicatePair(doc_id, other, "near", *scores) for other, scores in best)
        for band in enumerate(fp.band_keys):
            earlier_in_bucket[band].append(doc_id)
    return pairs


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """A document to add to the duplicate index: its id, fingerprint and detected language."""

    doc_id: str
    fingerprint: Fingerprint
    language: str


@dataclass(frozen=True, slots=True)
class IndexResult:
    pairs: list[DuplicatePair]              # exact and near
    cross_lingual: list[CrossLingualPair]   # candidates only


def index_documents(con: duckdb.DuckDBPyConnection, keys: KeyWriter, entries: list[IndexEntry], kind: str,
                    run_id: str, now: datetime, threshold: float) -> IndexResult:
    """Find the duplicates of ``entries``, then add them to the index, store the pairs, update clusters.

    Call inside the batch's transaction; ``keys.commit`` after it commits. An entry already indexed
    (a re-fetched article whose text changed) leaves the index first: its fingerprint, anchor set,
    look-up keys and the pairs it made. Look-ups read the key index (``warehouse.key_index``), never
    the whole tables, so a batch's cost follows its own documents.
    """
    if not entries:
        return IndexResult([], [])
    search = keys.search()
    again = search.indexed(e.doc_id for e in entries)
    if again:
        search.hide(again)
        reindexed = pa.table({"doc_id": pa.array(sorted(again), pa.string())})
        run_staged(con, "unindex_documents", staged_changed=reindexed)
        run_staged(con, "unindex_anchors", staged_reindexed=reindexed)
    items = [(e.doc_id, e.fingerprint) for e in entries]
    pairs = find_duplicates(search, items, threshold)
    anchored = [AnchoredDoc(e.doc_id, e.language, e.fingerprint.anchors) for e in entries]
    # an exact copy has its original's candidates (the cluster joins them): only the others are searched
    copies = {p.doc_id for p in pairs if p.kind == "exact"}
    cross = find_cross_lingual(con, search, [a for a in anchored if a.doc_id not in copies],
                               {(p.doc_id, p.duplicate_of) for p in pairs})

    run_staged(con, "insert_fingerprints_only", staged_fingerprints=pa.Table.from_pylist([{
        "doc_id": doc_id, "kind": kind, "normalized_sha256": fp.normalized_sha256, "minhash": fp.minhash,
        "shingle_count": fp.shingle_count, "first_seen": now} for doc_id, fp in items]))
    run_staged(con, "insert_anchors", staged_anchor_sets=anchor_set_rows(anchored))
    keys.stage(con, [KeyDoc(e.doc_id, kind, e.language, e.fingerprint.normalized_sha256, e.fingerprint.band_keys,
                            e.fingerprint.minhash, e.fingerprint.shingle_count, now, e.fingerprint.anchors)
                     for e in entries])
    if pairs:
        run_staged(con, "insert_duplicates", staged_duplicates=pa.Table.from_pylist([{
            "doc_id": p.doc_id, "duplicate_of": p.duplicate_of, "kind": p.kind, "similarity": p.similarity,
            "containment": p.containment, "detected_at": now, "run_id": run_id} for p in pairs]))
    _store_cross_lingual(con, cross, now, run_id)
    recluster(con, {e.doc_id for e in entries} | {p.duplicate_of for p in pairs})
    return IndexResult(pairs, cross)


def _store_cross_lingual(con: duckdb.DuckDBPyConnection, cross: list[CrossLingualPair], now: datetime,
                         run_id: str) -> None:
    if cross:
        run_staged(con, "insert_cross_lingual", staged_cross_lingual=pa.Table.from_pylist([{
            "doc_id": c.doc_id, "duplicate_of": c.duplicate_of, "score": c.match.score,
            "containment": c.match.containment, "shared_anchors": c.match.shared, "evidence": c.match.evidence,
            "detected_at": now, "run_id": run_id} for c in cross]))


BACKLOG_CHUNK = 500


def index_backlog(con: duckdb.DuckDBPyConnection, keys: KeyWriter, now: datetime,
                  anchors_of: Callable[[str], tuple[Anchor, ...]]) -> int:
    """Give documents indexed before the anchor index and clusters existed their rows; return how many.

    ``anchors_of``: text -> anchors (``extractors.crosslingual.anchors``, passed in by the engine).
    Runs once after an upgrade from an older schema (``Warehouse.fill_pending``), a transaction per
    ``BACKLOG_CHUNK`` documents (the key index commits each, so the next chunk finds it); one that
    dies part-way is taken up where it stopped by the next run.
    """
    backlog = con.execute(sql("index_backlog")).fetchall()
    if not backlog:
        return 0
    unanchored = [AnchoredDoc(doc_id, language or "und", anchors_of(text or ""))
                  for doc_id, _, text, language, needs_anchors in backlog if needs_anchors]
    for start in range(0, len(unanchored), BACKLOG_CHUNK):
        chunk = unanchored[start : start + BACKLOG_CHUNK]
        with keys.batch(con):
            _store_cross_lingual(con, find_cross_lingual(con, keys.search(), chunk), now, "index-backlog")
            run_staged(con, "insert_anchors", staged_anchor_sets=anchor_set_rows(chunk))
            keys.stage_ids(con, {doc.doc_id for doc in chunk})
    with transaction(con):
        recluster(con, {row[0] for row in backlog})
    return len(backlog)
