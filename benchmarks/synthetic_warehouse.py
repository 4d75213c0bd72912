"""A DuckDB-file warehouse of N stored articles, built at the schema level in seconds (not through
the batch path), with the rows each article has when a run stores it: its documents, fetch_log,
url_schedule, article_event_log, fingerprints, anchor_sets and doc_clusters rows; 2 % of them with a near-duplicate pair.

Texts are 300 words from a Zipf vocabulary with names and numbers (``benchmarks.dedupe_index.Corpus``,
distinct per article, so files compress as real text does); the anchors of a stored article are
drawn from the anchors the real ``fingerprint()`` finds in a sample of such texts, so that a new
batch's cross-lingual look-up meets stored anchors as often as in a real warehouse of that size.
"""
from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa

from benchmarks.dedupe_index import Corpus
from extractors.fingerprint import fingerprint
from warehouse.db import connect, transaction

LANGUAGES = ("en", "ru", "tr", "uk", "az")
CHUNK = 5_000
SAMPLE = 500  # texts whose real anchors make the pool stored articles draw from


class Texts:
    """Article texts of about 300 words, distinct, reproducible from ``seed``."""

    def __init__(self, seed: int) -> None:
        self.corpus = Corpus(seed)

    def text(self) -> str:
        return self.corpus.fresh() + "\n" + self.corpus.fresh()


def anchor_pool(texts: Texts) -> tuple[np.ndarray, np.ndarray, float]:
    """(anchor keys, their probabilities, mean anchors per text) seen in a sample of real fingerprints."""
    counts: Counter = Counter()
    total = 0
    for _ in range(SAMPLE):
        found = fingerprint(texts.text()).anchors
        counts.update(anchor.key for anchor in found)
        total += len(found)
    keys = np.array(list(counts))
    weights = np.array([counts[k] for k in keys], dtype=float)
    return keys, weights / weights.sum(), total / SAMPLE


def build(path: Path, size: int, seed: int = 7) -> None:
    """Write ``size`` stored articles into a new DuckDB-file warehouse at ``path`` (schema latest)."""
    texts = Texts(seed)
    rng = np.random.default_rng(seed)
    keys, weights, per_text = anchor_pool(texts)
    run_id = uuid.uuid4().hex
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    con = connect(path, "1GB")
    try:
        con.execute("INSERT INTO run_log (run_id, flow, started_at, finished_at, status) "
                    "VALUES (?, 'synthetic', ?, ?, 'completed')", [run_id, start, start])
        for first in range(0, size, CHUNK):
            chunk = _chunk(range(first, min(size, first + CHUNK)), texts, rng, keys, weights, per_text, run_id, start)
            with transaction(con):
                for table, rows in chunk.items():
                    con.register("staged", rows)
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM staged")
                    con.unregister("staged")
    finally:
        con.close()


def _chunk(numbers: range, texts: Texts, rng, keys, weights, per_text: float, run_id: str,
           start: datetime) -> dict[str, pa.Table]:
    docs, fetches, schedule, events, prints, sets, clusters, pairs = ([] for _ in range(8))
    for i in numbers:
        url = f"https://outlet{i % 997}.example/news/{i}"
        doc_id = "doc-" + hashlib.sha256(url.encode()).hexdigest()[:16]
        fetch_id, at = uuid.uuid4().hex, start + timedelta(minutes=i)
        text = texts.text()
        sha = hashlib.sha256(text.encode()).hexdigest()
        docs.append({"doc_id": doc_id, "url": url, "final_url": url, "host": f"outlet{i % 997}.example",
                     "fetch_id": fetch_id, "fetched_at": at, "via": "live", "title": " ".join(text.split()[:8]),
                     "text": text, "word_count": len(text.split()), "language": LANGUAGES[i % 5],
                     "language_score": 0.99, "language_method": "langdetect", "content_sha256": sha,
                     "extractor": "trafilatura", "run_id": run_id, "version": 1, "version_fetched_at": at,
                     "version_run_id": run_id})
        fetches.append({"fetch_id": fetch_id, "url": url, "attempted_at": at, "outcome": "ok", "http_status": 200,
                        "final_url": url, "content_type": "text/html", "bytes": 40_000 + i % 9_000,
                        "elapsed_ms": 200 + i % 700, "via": "live", "run_id": run_id})
        schedule.append({"url": url, "watched": False, "state": "live", "next_check_at": at + timedelta(days=1),
                         "interval_days": 1, "checks": 1, "failures": 0, "first_checked_at": at,
                         "last_checked_at": at, "last_changed_at": at, "web_archive_asked": False, "run_id": run_id})
        events.append({"doc_id": doc_id, "url": url, "event": "first_seen", "seen_at": at, "run_id": run_id,
                       "fetch_id": fetch_id, "version": 1})
        prints.append({"doc_id": doc_id, "kind": "article", "normalized_sha256": hashlib.sha256(sha.encode()).hexdigest(),
                       "minhash": rng.bytes(512), "shingle_count": 296, "first_seen": at})
        chosen = sorted(set(rng.choice(keys, size=max(1, int(rng.poisson(per_text))), p=weights)))
        sets.append({"doc_id": doc_id, "anchors": chosen, "surfaces": [k.split(":", 1)[-1] for k in chosen]})
        clusters.append({"doc_id": doc_id, "cluster_id": doc_id, "cluster_size": 1})
        if i % 50 == 49:
            pairs.append({"doc_id": doc_id, "duplicate_of": docs[0]["doc_id"], "kind": "near", "similarity": 0.8,
                          "containment": 0.9, "detected_at": at, "run_id": run_id})
    return {"documents": pa.Table.from_pylist(docs), "fetch_log": pa.Table.from_pylist(fetches),
            "url_schedule": pa.Table.from_pylist(schedule), "article_event_log": pa.Table.from_pylist(events),
            "fingerprints": pa.Table.from_pylist(prints), "anchor_sets": pa.Table.from_pylist(sets),
            "doc_clusters": pa.Table.from_pylist(clusters), "duplicate_pairs": pa.Table.from_pylist(pairs)}
