"""The duplicate look-up index: every indexed document's keys in a Tantivy index beside the tables.

The tables (``fingerprints``, ``lsh_buckets``, ``anchor_sets``, ``anchor_postings``) stay the
source of truth; this index is derived from them and answers a batch's look-ups by key, so a batch
reads the postings of its own keys instead of scanning every stored key (a hash join over 32 LSH
rows and ~50 anchor rows per stored document: seconds per batch at a million documents).

One Tantivy document per indexed document (seed or article): its id, kind and language; its
exact-duplicate key, its 32 LSH band keys and its anchor keys as terms; its MinHash signature,
shingle count, first-seen time and anchors (with surfaces) stored, so a candidate needs no table
read. Look-ups read the last commit only: what a batch adds becomes visible when the writer
commits it after the batch's transaction (``warehouse.key_writer``).
"""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Iterable, NamedTuple

import tantivy

from core.records import Anchor

FORMAT = 1  # of the index (its schema and terms): another one is rebuilt
MARKER = "mediamon-keys.json"
EXACT_LIMIT = 10_000    # stored documents with one normalised text read per look-up at most
BUCKET_LIMIT = 10_000   # stored documents in one LSH bucket read per look-up at most
PROBE_LIMIT = 1_000     # stored documents found by one anchor probe at most (probes have df <= 250)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


class KeyDoc(NamedTuple):
    """A document as the key index holds it."""

    doc_id: str
    kind: str                    # 'seed' or 'article'
    language: str | None
    normalized_sha256: str
    band_keys: tuple[int, ...]
    minhash: bytes
    shingle_count: int
    first_seen: datetime
    anchors: tuple[Anchor, ...]


class Stored(NamedTuple):
    """What a look-up reads of a stored candidate."""

    doc_id: str
    kind: str
    language: str | None
    minhash: bytes
    shingle_count: int
    first_seen: datetime
    anchors: tuple[Anchor, ...]

    @property
    def is_seed(self) -> bool:
        return self.kind == "seed"


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for field in ("doc_id", "kind", "language"):
        builder.add_text_field(field, stored=True, tokenizer_name="raw", index_option="basic")
    for field in ("sha", "lsh", "anchor"):
        builder.add_text_field(field, stored=False, tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field("minhash", stored=True)
    builder.add_unsigned_field("shingles", stored=True)
    builder.add_integer_field("first_seen", stored=True)  # microseconds since the epoch
    builder.add_bytes_field("anchors", stored=True)       # JSON: [keys, surfaces]
    return builder.build()


def band_term(band: int, key: int) -> str:
    return f"{band}:{key}"


def document(doc: KeyDoc) -> tantivy.Document:
    micros = (doc.first_seen - _EPOCH) // _MICROSECOND
    anchors = [[a.key for a in doc.anchors], [a.surface for a in doc.anchors]]
    return tantivy.Document(
        doc_id=doc.doc_id, kind=doc.kind, language=doc.language or "", sha=doc.normalized_sha256,
        lsh=[band_term(band, key) for band, key in enumerate(doc.band_keys)],
        anchor=sorted({a.key for a in doc.anchors}), minhash=[doc.minhash], shingles=doc.shingle_count,
        first_seen=micros, anchors=[json.dumps(anchors, ensure_ascii=False).encode("utf-8")])


def _stored(doc: tantivy.Document) -> Stored:
    keys, surfaces = json.loads(doc.get_first("anchors"))
    return Stored(doc.get_first("doc_id"), doc.get_first("kind"), doc.get_first("language") or None,
                  doc.get_first("minhash"), doc.get_first("shingles"),
                  _EPOCH + doc.get_first("first_seen") * _MICROSECOND,
                  tuple(Anchor(k, s) for k, s in zip(keys, surfaces)))


class KeySearch:
    """Look-ups against one commit of the key index (``index.searcher()``)."""

    def __init__(self, index: tantivy.Index) -> None:
        self.schema = index.schema
        self.searcher = index.searcher()
        self._docs: dict[tuple[int, int], Stored] = {}
        self.hidden: set[str] = set()
        self._hidden_keys: Counter = Counter()

    def hide(self, doc_ids: Iterable[str]) -> None:
        """Look-ups no longer see ``doc_ids`` (documents the batch indexes again: their old entry is
        replaced at the next commit), as if they had left the index already."""
        for doc_id in set(doc_ids) - self.hidden:
            self.hidden.add(doc_id)
            for address in self._addresses("doc_id", doc_id, 1):
                self._hidden_keys.update({a.key for a in self._read(address).anchors})

    @property
    def documents(self) -> int:
        return self.searcher.num_docs - len(self.hidden)

    def _addresses(self, field: str, value: str, limit: int) -> list[tuple[int, int]]:
        query = tantivy.Query.term_query(self.schema, field, value)
        return [(a.segment_ord, a.doc) for _, a in self.searcher.search(query, limit, count=False).hits]

    def _read(self, address: tuple[int, int]) -> Stored:
        found = self._docs.get(address)
        if found is None:
            found = self._docs[address] = _stored(self.searcher.doc(tantivy.DocAddress(*address)))
        return found

    def indexed(self, doc_ids: Iterable[str]) -> set[str]:
        """Which of ``doc_ids`` the index holds."""
        return {doc_id for doc_id in doc_ids if self._addresses("doc_id", doc_id, 1)}

    def exact_matches(self, queries: Iterable[tuple[str, str]]) -> dict[str, str]:
        """doc_id -> the stored document with its normalised text (``queries``: (doc_id, sha)): seeds
        first, then the earliest indexed, then by id; never the document itself."""
        found = {}
        for doc_id, sha in queries:
            same = [self._read(a) for a in self._addresses("sha", sha, EXACT_LIMIT)]
            same = [s for s in same if s.doc_id != doc_id and s.doc_id not in self.hidden]
            if same:
                found[doc_id] = min(same, key=lambda s: (not s.is_seed, s.first_seen, s.doc_id)).doc_id
        return found

    def bucket_mates(self, doc_id: str, band_keys: Iterable[int]) -> list[Stored]:
        """The stored documents sharing at least one LSH bucket with ``doc_id``, by id, without it."""
        addresses = {a for band, key in enumerate(band_keys) for a in self._addresses("lsh", band_term(band, key), BUCKET_LIMIT)}
        mates = {s.doc_id: s for s in map(self._read, addresses) if s.doc_id != doc_id and s.doc_id not in self.hidden}
        return [mates[k] for k in sorted(mates)]

    def document_frequencies(self, anchor_keys: Iterable[str]) -> Counter:
        """In how many stored documents each anchor key occurs (keys found nowhere are left out)."""
        counts = Counter()
        for key in anchor_keys:
            n = self.searcher.search(tantivy.Query.term_query(self.schema, "anchor", key), 1, count=True).count
            n -= self._hidden_keys[key]
            if n > 0:
                counts[key] = n
        return counts

    def probe_hits(self, doc_id: str, probes: Iterable[str], min_hits: int) -> list[tuple[Stored, int]]:
        """The stored documents holding ``min_hits`` or more of ``probes`` (anchor keys), with how many."""
        shared = Counter(a for key in probes for a in self._addresses("anchor", key, PROBE_LIMIT))
        return [(stored, n) for stored, n in ((self._read(a), n) for a, n in shared.items() if n >= min_hits)
                if stored.doc_id != doc_id and stored.doc_id not in self.hidden]
