"""Duplicate look-ups: exact (normalised-text hash) and near (MinHash + persisted LSH buckets).

A batch is compared with everything stored (seeds and documents share one id space) and with
its own earlier items. Pairs point from the later document to the earlier one.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from extractors.fingerprint import estimated_jaccard
from mediamon.records import Fingerprint
from warehouse.db import sql

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


def bucket_rows(items: list[tuple[str, Fingerprint]]) -> pa.Table:
    bands, buckets, ids = [], [], []
    for doc_id, fp in items:
        for band, key in enumerate(fp.band_keys):
            bands.append(band)
            buckets.append(key)
            ids.append(doc_id)
    return pa.table({"band": pa.array(bands, pa.int16()), "bucket": pa.array(buckets, pa.int64()),
                     "doc_id": pa.array(ids, pa.string())})


def find_duplicates(con: duckdb.DuckDBPyConnection, items: list[tuple[str, Fingerprint]],
                    threshold: float) -> list[DuplicatePair]:
    """Duplicate pairs for ``items`` against the stored index and against earlier items."""
    if not items:
        return []
    queries = pa.table({"doc_id": [d for d, _ in items], "normalized_sha256": [f.normalized_sha256 for _, f in items]})
    con.register("staged_queries", queries)
    con.register("staged_buckets", bucket_rows(items))
    try:
        stored_exact = dict(con.execute(sql("exact_matches")).fetchall())
        stored_near = con.execute(sql("lsh_candidates")).fetchall()
    finally:
        con.unregister("staged_queries")
        con.unregister("staged_buckets")

    by_id = dict(items)
    near: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for doc_id, match_id, signature, shingle_count in stored_near:
        if doc_id not in stored_exact:
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
