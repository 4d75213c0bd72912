"""How strongly two fingerprints say "the same text": pure comparisons of the base records.

The extractors make fingerprints and anchors (``extractors.fingerprint``, ``extractors.crosslingual``);
the warehouse compares stored ones with new ones. Both need these functions, and neither may import
the other, so they live here, beside the records they compare.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.records import Anchor

MIN_SHARED = 5          # distinct shared anchors below which a pair is never a candidate
MIN_SCORE = 0.4         # weighted share of the smaller text's anchors found in the other
KIND_WEIGHT = {"d": 2.0, "#": 1.5, "y": 0.75, "n": 1.0, "a": 1.0}  # date, number, year, name, acronym
EVIDENCE_SHOWN = 12


@dataclass(frozen=True, slots=True)
class CrossLingualMatch:
    """Why two texts in different languages may be one text translated."""

    score: float        # weighted share of the smaller text's anchors found in the other, 0..1
    containment: float  # unweighted share of the smaller anchor set shared
    shared: int         # distinct shared anchors
    evidence: str       # the strongest shared anchors, as written on each side


def estimated_jaccard(signature_a: bytes, signature_b: bytes) -> float:
    """Share of equal MinHash values: an unbiased estimate of the shingle sets' Jaccard similarity."""
    a = np.frombuffer(signature_a, dtype="<u4")
    b = np.frombuffer(signature_b, dtype="<u4")
    return float(np.count_nonzero(a == b)) / len(a)


def anchor_weight(key: str, document_frequency: int, documents: int) -> float:
    """Kind weight times rarity: an anchor most stored documents share weighs little.

    Rarity is capped at that of an anchor two documents share: an anchor found in one text only
    can never be evidence, so it must not outweigh the rarest anchor that can.
    """
    return KIND_WEIGHT[key[0]] * math.log(1 + max(documents, 2) / max(document_frequency, 2))


def anchor_score(a: tuple[Anchor, ...], b: tuple[Anchor, ...], document_frequency: dict[str, int],
                 documents: int) -> CrossLingualMatch | None:
    """A cross-lingual candidate match between two anchor sets, or None when they share too little."""
    keys_a, keys_b = {x.key: x for x in a}, {x.key: x for x in b}
    shared = keys_a.keys() & keys_b.keys()
    if len(shared) < MIN_SHARED:
        return None
    weight = {k: anchor_weight(k, document_frequency.get(k, 1), documents) for k in keys_a.keys() | keys_b.keys()}
    total = min(sum(weight[k] for k in keys_a), sum(weight[k] for k in keys_b))
    score = sum(weight[k] for k in shared) / total if total else 0.0
    if score < MIN_SCORE:
        return None
    strongest = sorted(shared, key=lambda k: (-weight[k], k))[:EVIDENCE_SHOWN]
    evidence = "; ".join(_shown(keys_a[k].surface, keys_b[k].surface) for k in strongest)
    return CrossLingualMatch(round(min(score, 1.0), 4), round(len(shared) / min(len(keys_a), len(keys_b)), 4),
                             len(shared), f"{len(shared)} shared anchors: {evidence}")


def _shown(left: str, right: str) -> str:
    return left if left == right else f"{left} ~ {right}"
