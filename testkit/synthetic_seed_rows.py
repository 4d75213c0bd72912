"""The rows a synthetic warehouse holds besides its articles' (testkit.synthetic_rows): the seeds with
their citations, dead links and index rows, and the nightly runs that fetched everything.

A few thousand rows at most (a seed per 2,000 articles), built a row at a time."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import numpy as np
import pyarrow as pa

from testkit.synthetic_history import NIGHTS, History, SeedStory
from warehouse.anchor_index import AnchoredDoc, anchor_set_rows

_UTC = pa.timestamp("us", tz="UTC")
_TYPES = {**{name: _UTC for name in ("attempted_at", "first_seen", "next_check_at", "first_checked_at",
                                      "last_checked_at", "last_changed_at", "failing_since", "started_at",
                                      "finished_at", "ingested_at")},
          "http_status": pa.int32(), "bytes": pa.int64(), "elapsed_ms": pa.int32(), "redirects": pa.list_(pa.string()),
          "minhash": pa.binary(), "error": pa.string(), "etag": pa.string(),
          "content_type": pa.string()}


class _Rows:
    """Rows of one table, column by column."""

    def __init__(self) -> None:
        self.columns: dict[str, list] = defaultdict(list)

    def add(self, **values) -> None:
        for name, value in values.items():
            self.columns[name].append(value)

    def extend(self, **values: list) -> None:
        for name, column in values.items():
            self.columns[name].extend(column)

    def table(self) -> pa.Table:
        return pa.table({name: pa.array(values, _TYPES.get(name)) for name, values in self.columns.items()})


def seed_and_run_rows(history: History, fetched: np.ndarray, not_modified: np.ndarray) -> dict[str, pa.Table]:
    """The seeds' rows and the runs', given the ok and 304 fetches of the articles per night ago."""
    rows: dict[str, _Rows] = defaultdict(_Rows)
    failed = np.zeros(NIGHTS + 1, np.int64)
    rng = np.random.default_rng([history.seed, history.chunks])   # after every chunk's generator
    ingested = history.night(NIGHTS) - timedelta(hours=1)
    for story in history.seeds:
        _seed(rows, history, story, ingested)
        for number, url in enumerate(story.dead):
            _dead_link(rows, history, rng, url, number, failed)
    rows["anchor_sets"] = anchor_set_rows([AnchoredDoc(s.parsed.seed_id, s.body.language, s.fingerprint.anchors)
                                           for s in history.seeds])
    for night, run_id in enumerate(history.run_ids):
        started, ok, same = history.night(night), int(fetched[night]), int(not_modified[night])
        rows["run_log"].add(run_id=run_id, flow="nightly", started_at=started,
                            finished_at=started + timedelta(minutes=20), status="completed",
                            urls_planned=ok + same + int(failed[night]), fetched_ok=ok + same,
                            failed=int(failed[night]),
                            new_articles=ok, duplicates=0, new_seeds=0, outcomes="{}", languages="{}",
                            planned_new=ok, planned_revisit=same, planned_retry=int(failed[night]))
    return {table: r if isinstance(r, pa.Table) else r.table() for table, r in rows.items()}


def _seed(rows, history: History, story: SeedStory, ingested) -> None:
    parsed, fp = story.parsed, story.fingerprint
    rows["seed_docs"].add(seed_id=parsed.seed_id, source_path=parsed.source_path, title=parsed.title,
                          text=parsed.text, content_sha256=parsed.content_sha256, language=story.body.language,
                          language_score=0.99, language_method="agree", ingested_at=ingested,
                          run_id=history.run_ids[NIGHTS])
    for citation in parsed.citations:
        rows["citation_links"].add(seed_id=parsed.seed_id, position=citation.position,
                                   url_as_cited=citation.url_as_cited, url=citation.url)
    rows["fingerprints"].add(doc_id=parsed.seed_id, kind="seed", normalized_sha256=fp.normalized_sha256,
                             minhash=fp.minhash, shingle_count=fp.shingle_count, first_seen=ingested)
    rows["doc_clusters"].add(doc_id=parsed.seed_id, cluster_id=parsed.seed_id)


def _dead_link(rows, history: History, rng: np.random.Generator, url: str, number: int, failed: np.ndarray) -> None:
    """A cited link that never worked: a few failed attempts, checked again later."""
    nights = sorted({int(n) for n in rng.integers(1, NIGHTS, 3)}, reverse=True)
    for night in nights:
        rows["fetch_log"].add(fetch_id=rng.bytes(16).hex(), url=url, attempted_at=history.night(night),
                              outcome="http_error" if number % 2 else "dns_error",
                              http_status=404 if number % 2 else None, final_url=url, redirects=[],
                              content_type=None, bytes=0, elapsed_ms=int(rng.integers(5, 900)),
                              error=None if number % 2 else "name does not resolve", etag=None, via="live",
                              run_id=history.run_ids[night])
        failed[night] += 1
    rows["url_schedule"].add(url=url, watched=True, state="failing",
                             next_check_at=history.now + timedelta(days=2 + float(rng.random()) * 43),
                             interval_days=8, checks=len(nights), failures=len(nights),
                             first_checked_at=history.night(nights[0]), last_checked_at=history.night(nights[-1]),
                             last_changed_at=None, failing_since=history.night(nights[0]), web_archive_asked=True,
                             run_id=history.run_ids[nights[-1]])
