"""Synthetic articles' stored columns, derived at once for thousands of articles from their paragraphs.

An article is a list of pool paragraphs (``testkit.synthetic_texts``) joined by blank lines; its
fingerprint is derived from its paragraphs' fingerprints (the project's own, computed once per
paragraph) instead of computed from its text:

- MinHash: the MinHash of a union of sets is the element-wise minimum of the sets' MinHashes, so
  the article's signature is the minimum of its paragraphs' signatures (``np.minimum.reduceat``
  over a paragraph-signature matrix). The 5-word shingles that span two paragraphs are missing
  from it (4 per boundary, about 5 % of an article's shingles).
- LSH band keys: computed from that signature exactly as ``extractors.fingerprint`` does.
- Anchors: the union of the paragraphs' anchors in order of first appearance. Context the anchor
  extractor reads across paragraphs (a sentence-initial name also written mid-sentence elsewhere,
  the Turkic spelling rule over the whole text) is read per paragraph.
- Exact key and shingle count: the normalised words of the whole text (exact); shingles counted
  as the paragraphs' plus those spanning boundaries (repeats across paragraphs not removed).

``fidelity`` measures how close this is to ``fingerprint`` of the same texts.
"""
from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.records import Anchor, Fingerprint
from core.similarity import estimated_jaccard
from extractors.fingerprint import BANDS, ROWS, SHINGLE_WORDS, fingerprint
from testkit.synthetic_texts import ParagraphPool, Sample

_BAND_BYTES = ROWS * 4
_BAND_HASHES = [hashlib.blake2b(digest_size=8, person=band.to_bytes(2, "little") * 8) for band in range(BANDS)]


@dataclass(frozen=True, slots=True)
class SyntheticText:
    """One article's text and the fingerprint columns the warehouse stores for it."""

    text: str
    title: str
    language: str
    paragraphs: tuple[int, ...]  # pool indices
    normalized_sha256: str
    content_sha256: str
    minhash: bytes
    band_keys: tuple[int, ...]
    shingle_count: int
    word_count: int
    anchors: tuple[Anchor, ...]

    @property
    def anchor_keys(self) -> tuple[str, ...]:
        return tuple(a.key for a in self.anchors)

    @property
    def anchor_surfaces(self) -> tuple[str, ...]:
        return tuple(a.surface for a in self.anchors)

    def fingerprint(self) -> Fingerprint:
        return Fingerprint(self.normalized_sha256, self.minhash, self.band_keys, self.shingle_count, self.anchors)


@dataclass(frozen=True, slots=True)
class Articles:
    """The stored columns of many synthetic articles, row ``i`` for article ``i``."""

    languages: list[str]
    paragraphs: Sample
    text: pa.StringArray
    title: pa.StringArray
    normalized_sha256: list[str]
    content_sha256: list[str]
    minhash: np.ndarray         # (articles, 128) uint32
    band_keys: np.ndarray       # (articles, BANDS) int64
    shingle_count: np.ndarray
    word_count: np.ndarray
    chars: np.ndarray           # the text's length in characters
    anchors: list[tuple[Anchor, ...]]

    def __len__(self) -> int:
        return len(self.languages)

    def minhash_column(self) -> pa.BinaryArray:
        """The signatures as a binary column (uint32 little-endian values, as ``fingerprint`` stores them)."""
        width = self.minhash.shape[1] * 4
        offsets = pa.py_buffer((np.arange(len(self) + 1, dtype=np.int32) * width).tobytes())
        return pa.Array.from_buffers(pa.binary(), len(self), [None, offsets, pa.py_buffer(self.minhash.tobytes())])

    def text_at(self, i: int) -> SyntheticText:
        return SyntheticText(
            text=self.text[i].as_py(), title=self.title[i].as_py(), language=self.languages[i],
            paragraphs=tuple(self.paragraphs.of(i).tolist()), normalized_sha256=self.normalized_sha256[i],
            content_sha256=self.content_sha256[i], minhash=self.minhash[i].tobytes(),
            band_keys=tuple(self.band_keys[i].tolist()), shingle_count=int(self.shingle_count[i]),
            word_count=int(self.word_count[i]), anchors=self.anchors[i])


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """The LSH band keys of each signature row, as ``extractors.fingerprint`` computes them."""
    raw = memoryview(np.ascontiguousarray(signatures, dtype="<u4").tobytes())
    digests = []
    for at in range(0, len(raw), _BAND_BYTES):
        band = _BAND_HASHES[(at // _BAND_BYTES) % BANDS].copy()
        band.update(raw[at:at + _BAND_BYTES])
        digests.append(band.digest())
    return np.frombuffer(b"".join(digests), dtype="<i8").reshape(len(signatures), BANDS)


def _sha256_each(strings: pa.StringArray) -> list[str]:
    """The SHA-256 (hex) of each string's UTF-8 bytes, read in place from the Arrow buffers."""
    _, offsets, data = strings.buffers()
    ends = np.frombuffer(offsets, dtype=np.int32)[strings.offset:strings.offset + len(strings) + 1].tolist()
    view = memoryview(data) if data is not None else memoryview(b"")
    return [hashlib.sha256(view[a:b]).hexdigest() for a, b in zip(ends, ends[1:])]


def _joined(values: pa.Array, paragraphs: Sample, separator: str) -> pa.StringArray:
    lists = pa.ListArray.from_arrays(pa.array(paragraphs.offsets.astype(np.int32)), values.take(paragraphs.flat))
    return pc.binary_join(lists, separator)


def _first_anchors(pool: ParagraphPool, paragraphs: Sample) -> list[tuple[Anchor, ...]]:
    """Each article's anchors: the union of its paragraphs', one per key as first written."""
    anchors, flat, ends = pool.anchors, paragraphs.flat.tolist(), paragraphs.offsets.tolist()
    found = []
    for a, b in zip(ends, ends[1:]):
        first: dict[str, Anchor] = {}
        for p in flat[a:b]:
            for anchor in anchors[p]:
                first.setdefault(anchor.key, anchor)
        found.append(tuple(first.values()))
    return found


def derive(pool: ParagraphPool, languages: list[str], paragraphs: Sample, seconds: Counter | None = None) -> Articles:
    """The stored columns of articles made of ``paragraphs`` (all of ``languages``' language)."""
    seconds = seconds if seconds is not None else Counter()
    t0 = time.perf_counter()
    starts = paragraphs.offsets[:-1]
    counts = np.diff(paragraphs.offsets)
    text = _joined(pool.text, paragraphs, "\n\n")
    normalized = _joined(pool.normalized, paragraphs, " ")
    t1 = time.perf_counter()
    content, exact = _sha256_each(text), _sha256_each(normalized)
    t2 = time.perf_counter()
    signatures = np.minimum.reduceat(pool.signatures[paragraphs.flat], starts, axis=0) if len(starts) else \
        np.zeros((0, pool.signatures.shape[1]), pool.signatures.dtype)
    t3 = time.perf_counter()
    keys = band_keys(signatures)
    t4 = time.perf_counter()
    anchors = _first_anchors(pool, paragraphs)
    t5 = time.perf_counter()
    seconds["texts"] += t1 - t0
    seconds["text hashes"] += t2 - t1
    seconds["MinHash"] += t3 - t2
    seconds["LSH keys"] += t4 - t3
    seconds["anchors"] += t5 - t4

    def summed(column: np.ndarray) -> np.ndarray:
        return np.add.reduceat(column[paragraphs.flat], starts) if len(starts) else np.zeros(0, np.int64)

    return Articles(
        languages=list(languages), paragraphs=paragraphs, text=text,
        title=pool.title.take(paragraphs.flat[starts]) if len(starts) else pa.array([], pa.string()),
        normalized_sha256=exact, content_sha256=content, minhash=signatures, band_keys=keys,
        shingle_count=summed(pool.shingles) + (SHINGLE_WORDS - 1) * (counts - 1),
        word_count=summed(pool.tokens), chars=summed(pool.chars) + 2 * (counts - 1), anchors=anchors)


def compose(pool: ParagraphPool, language: str, paragraphs) -> SyntheticText:
    """One article (a seed's body, a sample)."""
    return derive(pool, [language], Sample.of_lists([paragraphs])).text_at(0)


@dataclass(frozen=True, slots=True)
class Fidelity:
    texts: int
    mean_jaccard: float       # estimated Jaccard of the derived signature against fingerprint()'s
    band_keys_equal: float    # share of LSH band keys equal to fingerprint()'s
    exact_key_equal: float    # share of normalised-text hashes equal
    anchor_jaccard: float     # mean Jaccard of the anchor key sets
    shingle_count_ratio: float


def fidelity(texts: list[SyntheticText]) -> Fidelity:
    """How close the derived fingerprints are to the project's ``fingerprint`` of the same texts."""
    jaccard, bands, exact, anchors, counts = [], [], [], [], []
    for synthetic in texts:
        real = fingerprint(synthetic.text)
        jaccard.append(estimated_jaccard(real.minhash, synthetic.minhash))
        bands.append(np.mean([a == b for a, b in zip(real.band_keys, synthetic.band_keys)]))
        exact.append(real.normalized_sha256 == synthetic.normalized_sha256)
        real_keys, our_keys = {a.key for a in real.anchors}, set(synthetic.anchor_keys)
        anchors.append(len(real_keys & our_keys) / max(1, len(real_keys | our_keys)))
        counts.append(synthetic.shingle_count / max(1, real.shingle_count))
    return Fidelity(len(texts), round(float(np.mean(jaccard)), 3), round(float(np.mean(bands)), 3),
                    round(float(np.mean(exact)), 3), round(float(np.mean(anchors)), 3), round(float(np.mean(counts)), 3))
