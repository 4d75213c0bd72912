"""How strongly two fingerprints say "the same text": pure comparisons of the base records.

The extractors make fingerprints and anchors (``extractors.fingerprint``, ``extractors.crosslingual``);
the warehouse compares stored ones with new ones. Both need these functions, and neither may import
the other, so they live here, beside the records they compare.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from core.records import Anchor
from core.transliteration import close_spellings

# Cross-lingual candidates (``anchor_score``). Set on tests/data/dedupe/tuning and pairs and on the
# shared corpus's 212 real pages (benchmarks/crosslingual_precision.py); checked on heldout.
MIN_ALIGNED = 7         # strong shared anchors (``strong``) that both texts write in the same order
MIN_SCORE = 0.28        # weight of the shared anchors in that order / the smaller text's anchor weight
KIND_WEIGHT = {"d": 2.0, "#": 1.5, "y": 0.75, "n": 1.0, "a": 1.0}  # date, number, year, name, acronym
WEAK_SHARE = 0.25       # of its kind's weight, for a year, a small or round number, a loosely matched name
SIGNIFICANT_DIGITS = 3  # a number with fewer (10, 45, 2500, 40000) turns up in unrelated texts
EVIDENCE_SHOWN = 12


BANDS = 32  # LSH bands of a MinHash signature (extractors.fingerprint): 32 bands x 4 rows of 128
_BAND_HASHES = [hashlib.blake2b(digest_size=8, person=band.to_bytes(2, "little") * 8) for band in range(BANDS)]


def band_keys(minhash: bytes) -> tuple[int, ...]:
    """The LSH bucket key of each band of a MinHash signature (its little-endian uint32 values): a
    signed 64-bit hash of the band's bytes, personalised by the band's number."""
    width = len(minhash) // BANDS
    keys = []
    for band, prototype in enumerate(_BAND_HASHES):
        digest = prototype.copy()
        digest.update(minhash[band * width : (band + 1) * width])
        keys.append(int.from_bytes(digest.digest(), "little", signed=True))
    return tuple(keys)


@dataclass(frozen=True, slots=True)
class CrossLingualMatch:
    """Why two texts in different languages may be one text translated."""

    score: float        # weighted share of the smaller text's anchors found in the other in order, 0..1
    containment: float  # unweighted share of the smaller anchor set shared
    shared: int         # distinct shared anchors
    aligned: int        # strong shared anchors both texts write in the same order
    evidence: str       # the strongest of those, as written on each side


def estimated_jaccard(signature_a: bytes, signature_b: bytes) -> float:
    """Share of equal MinHash values: an unbiased estimate of the shingle sets' Jaccard similarity."""
    a = np.frombuffer(signature_a, dtype="<u4")
    b = np.frombuffer(signature_b, dtype="<u4")
    return float(np.count_nonzero(a == b)) / len(a)


def weak_key(key: str) -> bool:
    """A year, or a number with fewer than three significant digits: common in unrelated texts."""
    kind, value = key[0], key[2:]
    return kind == "y" or (kind == "#" and len(value.rstrip("0")) < SIGNIFICANT_DIGITS)


def anchor_weight(key: str, document_frequency: int, documents: int) -> float:
    """Kind weight times rarity: an anchor most stored documents share weighs little; a weak key less.

    Rarity is capped at that of an anchor two documents share: an anchor found in one text only
    can never be evidence, so it must not outweigh the rarest anchor that can.
    """
    rarity = math.log(1 + max(documents, 2) / max(document_frequency, 2))
    return KIND_WEIGHT[key[0]] * rarity * (WEAK_SHARE if weak_key(key) else 1.0)


def strong(shared: Anchor, other: Anchor) -> bool:
    """Whether one shared key is evidence chance rarely explains: a date, an acronym, a number of three
    or more significant digits, or a name both texts spell alike once transliterated."""
    if weak_key(shared.key):
        return False
    return shared.key[0] != "n" or close_spellings(shared.surface, other.surface)


def in_order(order_a: list[str], position_b: dict[str, int], weight: dict[str, float]) -> list[str]:
    """The heaviest subsequence of ``order_a`` (shared keys in the order text A first writes them)
    that text B writes in the same order: a translation keeps the order of its facts, chance does not.

    A weighted longest increasing subsequence of B's positions, with a Fenwick tree of prefix maxima.
    """
    size = max(position_b.values(), default=0) + 1
    tree: list[tuple[float, int]] = [(0.0, -1)] * (size + 1)     # (best total, index in order_a)
    best, parent = [], []
    for i, key in enumerate(order_a):
        at, before = position_b[key], (0.0, -1)
        j = at                                                      # max over B positions < at
        while j > 0:
            before = max(before, tree[j])
            j -= j & -j
        best.append(before[0] + weight[key])
        parent.append(before[1])
        j = at + 1
        while j <= size:
            tree[j] = max(tree[j], (best[i], i))
            j += j & -j
    chain, i = [], max(range(len(best)), key=best.__getitem__, default=-1)
    while i >= 0:
        chain.append(order_a[i])
        i = parent[i]
    return chain[::-1]


def anchor_score(a: tuple[Anchor, ...], b: tuple[Anchor, ...], document_frequency: dict[str, int],
                 documents: int) -> CrossLingualMatch | None:
    """A cross-lingual candidate match between two anchor sets (each in order of first appearance),
    or None when they share too little.

    Each text's anchors weigh ``anchor_weight``; a shared name whose two spellings are not close
    counts at ``WEAK_SHARE`` of it. Only shared anchors both texts write in the same order count
    (``in_order``). A candidate needs ``MIN_ALIGNED`` strong ones in that order, and their weight
    with the weak ones in that order to be at least ``MIN_SCORE`` of the smaller text's.
    """
    keys_a, keys_b = {x.key: x for x in a}, {x.key: x for x in b}
    shared = [k for k in keys_a if k in keys_b]
    if not shared or len(shared) < MIN_ALIGNED:
        return None
    strong_keys = {k for k in shared if strong(keys_a[k], keys_b[k])}
    if len(strong_keys) < MIN_ALIGNED:
        return None
    weight = {k: anchor_weight(k, document_frequency.get(k, 1), documents) for k in keys_a.keys() | keys_b.keys()}
    found = {k: weight[k] * (WEAK_SHARE if k[0] == "n" and k not in strong_keys else 1.0) for k in shared}
    position_b = {x.key: i for i, x in enumerate(b)}
    aligned = in_order(shared, position_b, found)
    aligned_strong = [k for k in aligned if k in strong_keys]
    if len(aligned_strong) < MIN_ALIGNED:
        return None
    total = min(sum(weight[k] for k in keys_a), sum(weight[k] for k in keys_b))
    score = sum(found[k] for k in aligned) / total if total else 0.0
    if score < MIN_SCORE:
        return None
    strongest = sorted(aligned_strong, key=lambda k: (-weight[k], k))[:EVIDENCE_SHOWN]
    evidence = "; ".join(_shown(keys_a[k].surface, keys_b[k].surface) for k in strongest)
    return CrossLingualMatch(round(min(score, 1.0), 4), round(len(shared) / min(len(keys_a), len(keys_b)), 4),
                             len(shared), len(aligned_strong),
                             f"{len(shared)} shared anchors, {len(aligned_strong)} strong in the same order: {evidence}")


def _shown(left: str, right: str) -> str:
    return left if left == right else f"{left} ~ {right}"
