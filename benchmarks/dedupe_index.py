"""Duplicate index benchmark: build and query time by index size, near-duplicate recall/precision on
a planted set, and cross-lingual precision/recall on the repository's translated test pages.

    .venv/bin/python -m benchmarks.dedupe_index                  # 10k and 100k documents (~3 min, 2 cores)
    .venv/bin/python -m benchmarks.dedupe_index --sizes 10000 100000 1000000

Synthetic documents (150 words from a Zipf-distributed 20,000-word vocabulary) go through the real
code path: ``fingerprint()`` then ``warehouse.dedupe.index_documents`` in batches inside
transactions, into a DuckDB file (fingerprints, anchor sets, clusters) and its duplicate look-up
index (``warehouse.key_index``: LSH and anchor keys). 1 % of the
documents are planted republications of an earlier one (new lead, a dropped sentence, a credit
line). After the build, a query batch of 1,000 new documents (100 of them planted copies of stored
ones) is looked up against the stored index without being inserted.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from core.similarity import anchor_score
from extractors.crosslingual import anchors
from extractors.fingerprint import fingerprint
from warehouse.db import connect
from warehouse.dedupe import IndexEntry, find_duplicates, index_documents
from warehouse.key_writer import KeyWriter

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "data" / "dedupe"
BATCH = 1000
WORDS = 150


class Corpus:
    """Synthetic documents; ``planted`` maps a republication's index to its original's.

    Lower-case words from a Zipf-distributed vocabulary, plus a few capitalised names and numbers
    (the cross-lingual anchors) from smaller pools; every other document is labelled 'de' so that
    the cross-lingual look-up scores candidates, none of which should pass.
    """

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        ranks = np.arange(1, 20_001)
        self.p = (1 / ranks) / (1 / ranks).sum()
        self.vocab = np.array([_word(i) for i in range(20_000)])
        self.names = np.array([_word(i).capitalize() for i in range(5_000, 10_000)])
        self.texts: list[str] = []
        self.planted: dict[int, int] = {}

    def fresh(self) -> str:
        words = list(self.vocab[self.rng.choice(20_000, WORDS, p=self.p)])
        for position in self.rng.choice(WORDS - 1, 8, replace=False) + 1:
            words[position] = (str(int(self.rng.integers(10, 5000))) if position % 4 == 0
                               else str(self.names[self.rng.integers(0, len(self.names))]))
        return " ".join(words)

    def republish(self, original: str) -> str:
        """About 0.8 Jaccard and 0.93 containment with the original, as the issue describes."""
        words = original.split()
        cut = int(self.rng.integers(0, len(words) - 6))
        kept = words[:cut] + words[cut + 6:]                         # a dropped sentence
        return " ".join(self.fresh().split()[:10] + kept + "first published by another outlet".split())

    def root(self, i: int) -> int:
        while i in self.planted:
            i = self.planted[i]
        return i

    def grow(self, n: int, plant_share: float = 0.01) -> list[str]:
        out = []
        for _ in range(n):
            i = len(self.texts)
            if i > 100 and self.rng.random() < plant_share:
                original = int(self.rng.integers(0, i))
                self.planted[i] = original
                self.texts.append(self.republish(self.texts[original]))
            else:
                self.texts.append(self.fresh())
            out.append(self.texts[-1])
        return out


def _word(i: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    word = ""
    i += 26 * 27
    while i:
        i, r = divmod(i, 26)
        word += letters[r]
    return word


def build(size: int, folder: Path) -> dict:
    corpus = Corpus(size)
    texts = corpus.grow(size)
    started = time.perf_counter()
    prints = [fingerprint(t) for t in texts]
    fingerprint_s = time.perf_counter() - started
    con = connect(folder / f"bench-{size}.duckdb")
    keys = KeyWriter.open(folder / f"bench-{size}.keys", con, lambda line: None)
    now = datetime.now(timezone.utc)
    found: set[tuple[int, int]] = set()
    cross = 0
    started = time.perf_counter()
    for start in range(0, size, BATCH):
        entries = [IndexEntry(f"d{i:08d}", prints[i], "de" if i % 2 else "en")
                   for i in range(start, min(size, start + BATCH))]
        with keys.batch(con):
            result = index_documents(con, keys, entries, "article", "bench", now, 0.7)
        found.update((int(p.doc_id[1:]), int(p.duplicate_of[1:])) for p in result.pairs)
        cross += len(result.cross_lingual)
    build_s = time.perf_counter() - started

    queries = corpus.grow(BATCH, plant_share=0.1)
    query_prints = [fingerprint(t) for t in queries]
    items = [(f"d{size + i:08d}", fp) for i, fp in enumerate(query_prints)]
    started = time.perf_counter()
    query_pairs = find_duplicates(keys.search(), items, 0.7)
    query_s = time.perf_counter() - started
    found.update((int(p.doc_id[1:]), int(p.duplicate_of[1:])) for p in query_pairs)
    rows = keys.con.execute("SELECT count(*) FROM lsh").fetchone()[0]
    keys.close()
    con.close()

    planted = set(corpus.planted.items())
    root = corpus.root
    true_found = {pair for pair in found if root(pair[0]) == root(pair[1])}   # copies of one original
    return {"size": size, "fingerprint_s": fingerprint_s, "build_s": build_s, "query_s": query_s,
            "bucket_rows": rows, "cross": cross, "planted": len(planted), "found": len(found),
            "recall": len(planted & found) / len(planted), "precision": len(true_found) / len(found) if found else 1.0}


def cross_lingual_eval() -> dict[str, dict]:
    """Precision and recall of cross-lingual candidates against the seeds, per page set."""
    seeds = {p.name[:3]: p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
    results = {}
    for name in ("tuning", "heldout"):
        pages = {p.stem: p.read_text("utf-8") for p in sorted((PAGES / name).glob("*.txt"))}
        expected = {(stem, {"appeal": "000", "statement": "001", "madagiz": "003"}[stem.split("_")[0]])
                    for stem in pages if not stem.startswith("topic")}
        sets = {**{f"seed{k}": anchors(v) for k, v in seeds.items()}, **{k: anchors(v) for k, v in pages.items()}}
        df = Counter(a.key for found in sets.values() for a in found)
        found = {(stem, seed) for stem in pages for seed in seeds if not stem.endswith("_en")
                 and anchor_score(sets[stem], sets[f"seed{seed}"], df, len(sets))}
        hits = len(found & expected)
        results[name] = {"pages": len(pages), "expected": len(expected), "found": len(found),
                         "precision": hits / len(found) if found else 1.0, "recall": hits / len(expected)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    random.seed(0)
    print("command: python -m benchmarks.dedupe_index --sizes " + " ".join(map(str, args.sizes)))
    print(f"{'docs':>9} {'fingerprint s':>13} {'index build s':>13} {'us/doc':>7} {'query 1k s':>10} "
          f"{'LSH keys':>12} {'planted':>7} {'recall':>7} {'precision':>9} {'cross-lingual':>13}")
    with tempfile.TemporaryDirectory(prefix="mediamon-bench-") as folder:
        for size in args.sizes:
            r = build(size, Path(folder))
            print(f"{r['size']:>9} {r['fingerprint_s']:>13.1f} {r['build_s']:>13.1f} "
                  f"{1e6 * r['build_s'] / r['size']:>7.0f} {r['query_s']:>10.3f} {r['bucket_rows']:>12} "
                  f"{r['planted']:>7} {r['recall']:>7.3f} {r['precision']:>9.3f} {r['cross']:>13}", flush=True)
    for name, r in cross_lingual_eval().items():
        print(f"cross-lingual {name}: {r['pages']} pages, {r['expected']} translations of a seed, "
              f"{r['found']} candidates; precision {r['precision']:.2f}, recall {r['recall']:.2f}")


if __name__ == "__main__":
    main()
