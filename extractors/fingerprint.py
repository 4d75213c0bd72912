"""Text -> Fingerprint: an exact-duplicate key, a MinHash signature with LSH band keys, and the
cross-lingual anchors (extractors.crosslingual) that survive translation."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache

from extractors.crosslingual import anchors
from core.records import Fingerprint
from core.similarity import BANDS, band_keys

NUM_PERM = 128
# BANDS (core.similarity): 32 bands x 4 rows: pairs above ~0.5 Jaccard almost always meet in a band
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS = 5
_SEED = 1

_WORD_RE = re.compile(r"\w+")


@cache
def _minhash_class():
    """datasketch, imported on first use: its package imports scipy (~0.6 s), which a run that
    fingerprints nothing (a nightly rerun answered 304) or only compares signatures never needs."""
    from datasketch import MinHash
    return MinHash, MinHash(num_perm=NUM_PERM, seed=_SEED, scheme="affine32").permutations


def normalized_words(text: str) -> list[str]:
    """Words with case, accents-as-composed-forms, punctuation and whitespace folded."""
    return _WORD_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def normalized_sha256(text: str) -> str:
    return hashlib.sha256(" ".join(normalized_words(text)).encode("utf-8")).hexdigest()


def shingles(words: list[str], size: int = SHINGLE_WORDS) -> set[str]:
    """Overlapping ``size``-word shingles; a text shorter than that is one shingle."""
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def fingerprint(text: str) -> Fingerprint:
    words = normalized_words(text)
    grams = shingles(words)
    minhash_class, permutations = _minhash_class()
    minhash = minhash_class(num_perm=NUM_PERM, seed=_SEED, permutations=permutations, scheme="affine32")
    minhash.update_batch([g.encode("utf-8") for g in grams])
    signature = minhash.hashvalues.astype("<u4")  # affine32: values are 32-bit
    return Fingerprint(
        normalized_sha256=hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest(),
        minhash=signature.tobytes(),
        band_keys=band_keys(signature.tobytes()),
        shingle_count=len(grams),
        anchors=anchors(text),
    )
