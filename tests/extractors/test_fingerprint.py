import random

from core.similarity import estimated_jaccard
from extractors.fingerprint import BANDS, fingerprint, normalized_sha256, shingles


def _words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(["karabakh", "appeal", "diaspora", "election", "regime", "baku", "osce", "peace", "law",
                        "community", "international", "statement", "ceasefire", "region"]) + str(rng.randint(0, 50))
            for _ in range(n)]


def test_exact_key_folds_whitespace_case_and_punctuation():
    assert normalized_sha256("Karabakh is Azerbaijan!  The   END.") == normalized_sha256("karabakh is azerbaijan the end")
    assert normalized_sha256("Karabakh is Azerbaijan") != normalized_sha256("Karabakh is Armenia")


def test_five_word_shingles():
    assert shingles("a b c d e f".split()) == {"a b c d e", "b c d e f"}
    assert shingles(["short", "text"]) == {"short text"}
    assert shingles([]) == set()


def test_near_copy_scores_high_and_unrelated_text_low():
    original = _words(400, 1)
    edited = original[:150] + original[160:] + ["credit", "line", "from", "another", "outlet"]
    a, b, c = fingerprint(" ".join(original)), fingerprint(" ".join(edited)), fingerprint(" ".join(_words(400, 2)))
    assert estimated_jaccard(a.minhash, b.minhash) > 0.75
    assert estimated_jaccard(a.minhash, c.minhash) < 0.1
    assert sum(x == y for x, y in zip(a.band_keys, b.band_keys)) >= 1   # meets in the LSH index
    assert sum(x == y for x, y in zip(a.band_keys, c.band_keys)) == 0
    assert len(a.band_keys) == BANDS


def test_fingerprint_is_deterministic():
    text = " ".join(_words(100, 3))
    assert fingerprint(text) == fingerprint(text)
