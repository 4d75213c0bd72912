"""Cross-lingual candidates against the persisted anchor index.

Each indexed document's anchors (extractors.crosslingual) are stored once (``anchor_sets``) with
an inverted index (``anchor_postings``). A new document probes the index with its rarest anchors
that can be evidence (no year, no small number), so an anchor every article on the story shares
(Karabakh, Azerbaijan) never fans out; stored documents in another language that share two or
more probes are scored on their whole anchor sets (``core.similarity.anchor_score``), weighted by
how rare each anchor is among stored documents.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from core.records import Anchor
from core.similarity import CrossLingualMatch, anchor_score, weak_key
from warehouse.db import run_staged

PROBES = 20           # rarest anchors of a new document looked up in the index (years, small numbers never)
MIN_PROBE_HITS = 2    # probes a stored document must share to be scored
CANDIDATES_KEPT = 3   # best cross-lingual candidates kept per document (seeds first: analysts start there)
MAX_PROBE_DF = 250    # an anchor stored in more documents is no evidence of one article: never a probe
STORED_CANDIDATES = 50  # stored documents scored per new document at most (seeds, then most probes shared)


@dataclass(frozen=True, slots=True)
class AnchoredDoc:
    doc_id: str
    language: str
    anchors: tuple[Anchor, ...]


@dataclass(frozen=True, slots=True)
class CrossLingualPair:
    doc_id: str
    duplicate_of: str
    match: CrossLingualMatch


def anchor_set_rows(docs: list[AnchoredDoc]) -> pa.Table:
    return pa.table({
        "doc_id": pa.array([d.doc_id for d in docs], pa.string()),
        "anchors": pa.array([[a.key for a in d.anchors] for d in docs], pa.list_(pa.string())),
        "surfaces": pa.array([[a.surface for a in d.anchors] for d in docs], pa.list_(pa.string())),
    })


def _frequencies(con: duckdb.DuckDBPyConnection, keys: set[str]) -> tuple[Counter, int]:
    rows = run_staged(con, "anchor_frequencies",
                      staged_anchor_keys=pa.table({"anchor": pa.array(sorted(keys), pa.string())}))
    stored = Counter({anchor: df for anchor, df in rows if anchor is not None})
    documents = next(df for anchor, df in rows if anchor is None)
    return stored, documents


def _rarest(keys: set[str], frequency: Counter) -> list[str]:
    """The ``PROBES`` keys with the lowest positive ``frequency`` among those that can be strong evidence
    (``core.similarity.weak_key``: a year or a small number never is, so it never finds a candidate).

    A key found in more than ``MAX_PROBE_DF`` documents is no probe either: it tells nothing about one
    article, and the documents it would bring grow with the warehouse (the look-up stays bounded)."""
    return sorted((k for k in keys if 0 < frequency[k] <= MAX_PROBE_DF and not weak_key(k)),
                  key=lambda k: (frequency[k], k))[:PROBES]


def _comparable(a: str, b: str) -> bool:
    return bool(a) and bool(b) and "und" not in (a, b) and a != b


def find_cross_lingual(con: duckdb.DuckDBPyConnection, docs: list[AnchoredDoc],
                       exclude: set[tuple[str, str]] = frozenset()) -> list[CrossLingualPair]:
    """Candidates for ``docs`` among stored documents and earlier ``docs``, in another language."""
    docs = [d for d in docs if d.anchors]
    if not docs:
        return []
    keys = {a.key for d in docs for a in d.anchors}
    stored_df, stored_documents = _frequencies(con, keys)
    batch_df = Counter(key for d in docs for key in {a.key for a in d.anchors})
    df = stored_df + batch_df
    documents = stored_documents + len(docs)

    # probe with the rarest anchors that another document has: one found nowhere else finds nothing
    stored_probes = {d.doc_id: _rarest({a.key for a in d.anchors}, stored_df) for d in docs}
    in_other_batch_docs = Counter({k: n - 1 for k, n in batch_df.items() if n > 1})
    probes = {d.doc_id: _rarest({a.key for a in d.anchors}, in_other_batch_docs) for d in docs}
    stored_candidates = run_staged(
        con, "anchor_candidates", {"kept": STORED_CANDIDATES},
        staged_probes=pa.table({"doc_id": [d for d, ks in stored_probes.items() for _ in ks],
                                "anchor": [k for ks in stored_probes.values() for k in ks]}),
        staged_query_languages=pa.table({"doc_id": [d.doc_id for d in docs],
                                         "language": [d.language or "und" for d in docs]}),
    ) if stored_documents else []
    others: dict[str, tuple[Anchor, ...]] = {}
    seeds: set[str] = set()
    candidates: dict[str, set[str]] = defaultdict(set)
    for doc_id, other, other_keys, surfaces, is_seed in stored_candidates:
        others[other] = tuple(Anchor(k, s) for k, s in zip(other_keys, surfaces))
        candidates[doc_id].add(other)
        if is_seed:
            seeds.add(other)
    missing = {a.key for anchors in others.values() for a in anchors} - df.keys()
    if missing:
        df.update(_frequencies(con, missing)[0])

    # earlier docs of this batch, by anchor and language: a probe only walks the other languages' docs
    by_key: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    batch = {d.doc_id: d.anchors for d in docs}
    pairs: list[CrossLingualPair] = []
    for doc in docs:
        hits = Counter(earlier for key in probes[doc.doc_id] for language, ids in by_key[key].items()
                       if _comparable(language, doc.language) for earlier in ids)
        scored = []
        for other in sorted(candidates[doc.doc_id] | {e for e, n in hits.items() if n >= MIN_PROBE_HITS}):
            if (doc.doc_id, other) in exclude:
                continue
            match = anchor_score(doc.anchors, others[other] if other in others else batch[other], df, documents)
            if match:
                scored.append(CrossLingualPair(doc.doc_id, other, match))
        scored.sort(key=lambda p: (p.duplicate_of not in seeds, -p.match.score, p.duplicate_of))
        pairs.extend(scored[:CANDIDATES_KEPT])
        for key in {a.key for a in doc.anchors}:
            by_key[key][doc.language].append(doc.doc_id)
    return pairs
