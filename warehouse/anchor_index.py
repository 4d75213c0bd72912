"""Cross-lingual candidates against the persisted anchor index.

Each indexed document's anchors (extractors.crosslingual) are stored once (``anchor_sets``) and
kept, inverted, in the duplicate look-up index (``warehouse.key_index``). A new document probes
that index with its rarest anchors
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
from warehouse.key_index import KeySearch, Stored

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


def _rarest(keys: set[str], frequency: Counter) -> list[str]:
    """The ``PROBES`` keys with the lowest positive ``frequency`` among those that can be strong evidence
    (``core.similarity.weak_key``: a year or a small number never is, so it never finds a candidate).

    A key found in more than ``MAX_PROBE_DF`` documents is no probe either: it tells nothing about one
    article, and the documents it would bring grow with the warehouse (the look-up stays bounded)."""
    return sorted((k for k in keys if 0 < frequency[k] <= MAX_PROBE_DF and not weak_key(k)),
                  key=lambda k: (frequency[k], k))[:PROBES]


def _comparable(a: str, b: str) -> bool:
    return bool(a) and bool(b) and "und" not in (a, b) and a != b


def find_cross_lingual(con: duckdb.DuckDBPyConnection, keys: KeySearch, docs: list[AnchoredDoc],
                       exclude: set[tuple[str, str]] = frozenset()) -> list[CrossLingualPair]:
    """Candidates for ``docs`` among stored documents (``keys``: the key index's last commit) and
    earlier ``docs``, in another language."""
    docs = [d for d in docs if d.anchors]
    if not docs:
        return []
    stored_df = keys.document_frequencies({a.key for d in docs for a in d.anchors})
    stored_documents = con.execute("SELECT count(*) FROM anchor_sets").fetchone()[0]
    batch_df = Counter(key for d in docs for key in {a.key for a in d.anchors})
    df = stored_df + batch_df
    documents = stored_documents + len(docs)

    # probe with the rarest anchors that another document has: one found nowhere else finds nothing
    in_other_batch_docs = Counter({k: n - 1 for k, n in batch_df.items() if n > 1})
    probes = {d.doc_id: _rarest({a.key for a in d.anchors}, in_other_batch_docs) for d in docs}
    others: dict[str, tuple[Anchor, ...]] = {}
    seeds: set[str] = set()
    candidates: dict[str, set[str]] = defaultdict(set)
    for doc in docs if stored_documents else ():
        for other in _stored_candidates(keys, doc, _rarest({a.key for a in doc.anchors}, stored_df)):
            others[other.doc_id] = other.anchors
            candidates[doc.doc_id].add(other.doc_id)
            if other.is_seed:
                seeds.add(other.doc_id)
    missing = {a.key for anchors in others.values() for a in anchors} - df.keys()
    if missing:
        df.update(keys.document_frequencies(missing))

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


def _stored_candidates(keys: KeySearch, doc: AnchoredDoc, probes: list[str]) -> list[Stored]:
    """Stored documents in another language sharing ``MIN_PROBE_HITS`` or more of ``probes``: at most
    ``STORED_CANDIDATES`` (seeds first, then those sharing the most probes, then by id), so the work per
    new document does not grow with the warehouse."""
    if not _comparable(doc.language or "und", "-") or not probes:
        return []
    hits = [(stored, shared) for stored, shared in keys.probe_hits(doc.doc_id, probes, MIN_PROBE_HITS)
            if stored.language and _comparable(stored.language, doc.language)]
    hits.sort(key=lambda hit: (not hit[0].is_seed, -hit[1], hit[0].doc_id))
    return [stored for stored, _ in hits[:STORED_CANDIDATES]]
