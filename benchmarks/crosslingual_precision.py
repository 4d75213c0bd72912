"""Cross-lingual precision and recall: candidates among real pages with no translation among them,
and the repository's own translations and look-alikes, ingested together into one warehouse.

    .venv/bin/python -m benchmarks.crosslingual_precision              # ~1 min on 2 cores
    .venv/bin/python -m benchmarks.crosslingual_precision --orders 3   # three ingestion orders

Reads ../shared/corpus (aeb: 181 pages, news-tr-ru-uk: 31 pages) in place; the repository's texts
are tests/data/dedupe (see its README). Pages go through the pipeline's extraction, language
detection, fingerprint and ``Warehouse.commit_batch`` (batches of 50 in a seeded shuffled order,
seeds stored first), without Prefect or HTTP.
"""
from __future__ import annotations

import argparse
import sys
import time

from testkit.corpus import aeb_available, aeb_dir
from testkit.crosslingual_eval import Evaluation, evaluate, project_texts, shared_texts

FOLDERS = ("tuning", "heldout", "pairs")


def report(result: Evaluation) -> None:
    print(f"shared corpus: {result.shared_pages} pages, {len(result.shared_candidates)} cross-lingual candidates "
          f"(no true pair there)")
    for c in result.shared_candidates:
        print(f"  false: {c.later} ~ {c.earlier} {c.score:.3f} {c.evidence[:160]}")
    expected = sum(len(pairs) for pairs in result.expected.values())
    found = sum(len(result.found(folder)) for folder in result.expected)
    true = result.true(result.candidates)
    print(f"repository texts: {found} of {expected} translations found with their original; "
          f"{len(result.candidates)} candidates, {len(true)} true")
    print(f"{'set':<8} {'translations':>12} {'found':>5} {'recall':>6} {'candidates':>10} {'true':>4} {'precision':>9}")
    for folder in FOLDERS:
        involved = result.in_folder(folder)
        found_here, expected_here = len(result.found(folder)), len(result.expected.get(folder, ()))
        precision = len(result.true(involved)) / len(involved) if involved else 1.0
        print(f"{folder:<8} {expected_here:>12} {found_here:>5} {found_here / max(expected_here, 1):>6.2f} "
              f"{len(involved):>10} {len(result.true(involved)):>4} {precision:>9.2f}")
    for c in result.candidates:
        if c not in true:
            print(f"  false: {c.later} ~ {c.earlier} {c.score:.3f} {c.evidence[:160]}")
    paired = {frozenset((c.later, c.earlier)) for c in result.candidates}
    look_alikes = [(a, b, kind, frozenset((a, b)) in paired) for a, b, kind in result.look_alikes]
    print(f"look-alike pairs (pairs/pairs.tsv): {sum(p for *_, p in look_alikes)} of {len(look_alikes)} paired")
    for a, b, kind, was_paired in look_alikes:
        print(f"  {a} ~ {b} ({kind}): {'PAIRED' if was_paired else 'not paired'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1, help="ingestion orders (shuffle seeds 0..N-1)")
    args = parser.parse_args()
    if not aeb_available():
        print(f"needs the shared corpus at {aeb_dir()} (absent)", file=sys.stderr)
        return 2
    print(f"command: python -m benchmarks.crosslingual_precision --orders {args.orders}")
    started = time.perf_counter()
    shared = shared_texts(aeb_dir().parent.parent)
    project = project_texts()
    print(f"extracted {len(shared)} shared pages in {time.perf_counter() - started:.1f} s; "
          f"{len(project)} repository texts")
    for order in range(args.orders):
        started = time.perf_counter()
        result = evaluate(shared, project, seed=order)
        print(f"\n== ingestion order {order} ({time.perf_counter() - started:.1f} s)")
        report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
