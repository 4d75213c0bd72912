"""The duplicate look-up index: every indexed document's keys in an SQLite database beside the tables.

The tables (``fingerprints``, ``anchor_sets``) stay the source of truth; this index is derived
from them (a document's LSH band keys computed from its MinHash) and answers a batch's look-ups by
key, so a batch reads the entries of its own keys instead of scanning every stored key (a hash join
over 32 LSH rows and ~50 anchor rows per stored document: seconds per batch at a million documents;
those rows are no longer stored in the tables).

Its database (``keys.sqlite`` in the index's folder) holds:

- ``docs``: one row per indexed document (seed or article): its id, kind, language, exact-duplicate
  key, MinHash signature, shingle count, first-seen time and anchors (with surfaces, compressed), so
  a candidate needs no table read;
- ``lsh``: (band key, document) for each of its 32 LSH bands, band and bucket in one integer;
- ``anchor``: (anchor key, document) for each anchor that can be a probe (``core.similarity.weak_key``:
  a year or a small number never is, so its documents are never looked up);
- ``anchor_df``: in how many documents each anchor key occurs (every key: rarity weighs them all).

Anchor keys are stored as 64-bit hashes of their text (``anchor_term``). Every look-up is a B-tree
point or range read through SQLite's own page cache, bounded (``CACHE_KIB``) and read with ``pread``:
the process's memory does not grow with the index, as it did with a memory-mapped index whose
touched pages stayed resident (``docs/design.md``, "Duplicates"). Look-ups read the last commit: what a
batch adds becomes visible when the writer commits it after the batch's transaction
(``warehouse.key_writer``).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, NamedTuple

from core.records import Anchor
from core.similarity import weak_key

FORMAT = 2  # of the index (its database's tables and terms): another one is rebuilt
MARKER = "mediamon-keys.json"
DATABASE = "keys.sqlite"
CACHE_KIB = 16_384      # SQLite's page cache of the index, per connection
EXACT_LIMIT = 10_000    # stored documents with one normalised text read per look-up at most
BUCKET_LIMIT = 10_000   # stored documents in one LSH bucket read per look-up at most
PROBE_LIMIT = 1_000     # stored documents found by one anchor probe at most (probes have df <= 250)
_IN_CHUNK = 500         # values bound in one IN (...) list
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
_BUCKET_BITS = 58       # of a band key kept beside its band's number (5 bits) in one positive integer

TABLES = """
CREATE TABLE docs (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, kind TEXT NOT NULL, language TEXT,
                   sha TEXT NOT NULL, minhash BLOB NOT NULL, shingles INTEGER NOT NULL,
                   first_seen INTEGER NOT NULL, anchors BLOB NOT NULL);
CREATE TABLE lsh (key INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE TABLE anchor (key INTEGER NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE TABLE anchor_df (key INTEGER PRIMARY KEY, n INTEGER NOT NULL);
"""
INDEXES = """
CREATE UNIQUE INDEX docs_doc_id ON docs (doc_id);
CREATE INDEX docs_sha ON docs (sha);
"""


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


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the index's database: autocommit unless a transaction is begun, its page
    cache bounded, never memory-mapped."""
    con = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    con.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    con.execute("PRAGMA mmap_size = 0")
    return con


def band_term(band: int, key: int) -> int:
    """One LSH band key as a positive 63-bit integer: the band's number, then the key's low bits."""
    return (band << _BUCKET_BITS) | (key & ((1 << _BUCKET_BITS) - 1))


def anchor_term(key: str) -> int:
    """An anchor key as a signed 64-bit integer (a hash of its text)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def doc_row(doc: KeyDoc) -> tuple:
    """``docs``' columns after ``id``."""
    micros = (doc.first_seen - _EPOCH) // _MICROSECOND
    anchors = [[a.key for a in doc.anchors], [a.surface for a in doc.anchors]]
    packed = zlib.compress(json.dumps(anchors, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return (doc.doc_id, doc.kind, doc.language, doc.normalized_sha256, doc.minhash, doc.shingle_count, micros, packed)


def terms(doc: KeyDoc) -> tuple[list[int], list[int], list[int]]:
    """The document's LSH terms, its probe anchors' terms and all its anchors' terms."""
    keys = {a.key for a in doc.anchors}
    return ([band_term(band, key) for band, key in enumerate(doc.band_keys)],
            sorted({anchor_term(k) for k in keys if not weak_key(k)}), sorted({anchor_term(k) for k in keys}))


def unpack_anchors(packed: bytes) -> tuple[Anchor, ...]:
    keys, surfaces = json.loads(zlib.decompress(packed))
    return tuple(Anchor(k, s) for k, s in zip(keys, surfaces))


_STORED = "id, doc_id, kind, language, minhash, shingles, first_seen, anchors"


def _stored(row: tuple) -> Stored:
    _, doc_id, kind, language, minhash, shingles, micros, anchors = row
    return Stored(doc_id, kind, language or None, bytes(minhash), shingles, _EPOCH + micros * _MICROSECOND,
                  unpack_anchors(anchors))


def _chunks(values: list, size: int = _IN_CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class KeySearch:
    """Look-ups against the last commit of the key index (one per batch: ``hide`` is the batch's)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con
        self._docs: dict[int, Stored] = {}
        self.hidden: set[str] = set()
        self._hidden_keys: Counter = Counter()

    def hide(self, doc_ids: Iterable[str]) -> None:
        """Look-ups no longer see ``doc_ids`` (documents the batch indexes again: their old entry is
        replaced at the next commit), as if they had left the index already."""
        for doc_id in set(doc_ids) - self.hidden:
            self.hidden.add(doc_id)
            found = self.stored(doc_id)
            if found is not None:
                self._hidden_keys.update({a.key for a in found.anchors})

    @property
    def documents(self) -> int:
        return self.con.execute("SELECT count(*) FROM docs").fetchone()[0] - len(self.hidden)

    def _ids(self, sql: str, value, limit: int) -> list[int]:
        return [row[0] for row in self.con.execute(sql, (value, limit))]

    def _read(self, ids: Iterable[int]) -> list[Stored]:
        ids = list(ids)
        missing = sorted(set(ids) - self._docs.keys())
        for chunk in _chunks(missing):
            marks = ",".join("?" * len(chunk))
            for row in self.con.execute(f"SELECT {_STORED} FROM docs WHERE id IN ({marks})", chunk):
                self._docs[row[0]] = _stored(row)
        return [self._docs[i] for i in ids if i in self._docs]

    def _visible(self, stored: Stored, doc_id: str) -> bool:
        return stored.doc_id != doc_id and stored.doc_id not in self.hidden

    def stored(self, doc_id: str) -> Stored | None:
        """``doc_id`` as the index holds it (None: not indexed)."""
        found = self._read(self._ids("SELECT id FROM docs WHERE doc_id = ? LIMIT ?", doc_id, 1))
        return found[0] if found else None

    def indexed(self, doc_ids: Iterable[str]) -> set[str]:
        """Which of ``doc_ids`` the index holds."""
        found = set()
        for chunk in _chunks(sorted(set(doc_ids))):
            marks = ",".join("?" * len(chunk))
            found.update(row[0] for row in self.con.execute(f"SELECT doc_id FROM docs WHERE doc_id IN ({marks})", chunk))
        return found

    def exact_matches(self, queries: Iterable[tuple[str, str]]) -> dict[str, str]:
        """doc_id -> the stored document with its normalised text (``queries``: (doc_id, sha)): seeds
        first, then the earliest indexed, then by id; never the document itself."""
        found = {}
        for doc_id, sha in queries:
            same = self._read(self._ids("SELECT id FROM docs WHERE sha = ? LIMIT ?", sha, EXACT_LIMIT))
            same = [s for s in same if self._visible(s, doc_id)]
            if same:
                found[doc_id] = min(same, key=lambda s: (not s.is_seed, s.first_seen, s.doc_id)).doc_id
        return found

    def bucket_mates(self, doc_id: str, band_keys: Iterable[int]) -> list[Stored]:
        """The stored documents sharing at least one LSH bucket with ``doc_id``, by id, without it."""
        ids = {i for band, key in enumerate(band_keys)
               for i in self._ids("SELECT id FROM lsh WHERE key = ? LIMIT ?", band_term(band, key), BUCKET_LIMIT)}
        mates = {s.doc_id: s for s in self._read(ids) if self._visible(s, doc_id)}
        return [mates[k] for k in sorted(mates)]

    def document_frequencies(self, anchor_keys: Iterable[str]) -> Counter:
        """In how many stored documents each anchor key occurs (keys found nowhere are left out)."""
        counts = Counter()
        for key in anchor_keys:
            row = self.con.execute("SELECT n FROM anchor_df WHERE key = ?", (anchor_term(key),)).fetchone()
            n = (row[0] if row else 0) - self._hidden_keys[key]
            if n > 0:
                counts[key] = n
        return counts

    def probe_hits(self, doc_id: str, probes: Iterable[str], min_hits: int) -> list[tuple[Stored, int]]:
        """The stored documents holding ``min_hits`` or more of ``probes`` (anchor keys that can be
        probes), with how many."""
        shared = Counter(i for key in probes
                         for i in self._ids("SELECT id FROM anchor WHERE key = ? LIMIT ?", anchor_term(key), PROBE_LIMIT))
        hits = {i: n for i, n in shared.items() if n >= min_hits}
        self._read(hits)
        return [(self._docs[i], n) for i, n in sorted(hits.items())
                if i in self._docs and self._visible(self._docs[i], doc_id)]
