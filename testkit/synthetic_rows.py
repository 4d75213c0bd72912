"""A chunk's planned history (testkit.synthetic_history) as the warehouse's rows, built column-wise.

Each table is one Arrow table per chunk, its columns computed with numpy and Arrow over the whole
chunk (``take`` for per-article values repeated per row); the names and types are those the
migrations in warehouse/migrations define. The anchor rows are the project's own
(``warehouse.anchor_index.anchor_set_rows``). The seeds and runs are ``testkit.synthetic_seed_rows``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from core.records import Fingerprint
from testkit.synthetic_history import (CROSS_LINGUAL, EXACT, FRESH, NIGHTS, REPUBLISHED, ChunkPlan, History,
                                      url_for)
from warehouse.anchor_index import AnchoredDoc, anchor_set_rows
from warehouse.dedupe import near_similarity
from warehouse.revisions import doc_id_for

UTC = pa.timestamp("us", tz="UTC")
_DAY_US = 86_400_000_000
_CROSS_LINGUAL_WINDOW = 200   # a cross-lingual candidate is one of the 200 articles before


@dataclass(frozen=True, slots=True)
class ChunkRows:
    tables: dict[str, pa.Table]
    fetched: np.ndarray        # per night ago: ok fetches
    not_modified: np.ndarray   # per night ago: 304 answers


def const(value, n: int, kind: pa.DataType | None = None) -> pa.Array:
    return pa.array([value], kind).take(np.zeros(n, np.int64)) if value is not None else pa.nulls(n, kind)


def utc(microseconds: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(microseconds, np.int64), UTC)


class _Chunk:
    """A chunk's per-article and per-fetch columns that several tables share."""

    def __init__(self, history: History, plan: ChunkPlan) -> None:
        n, texts, rng = plan.stop - plan.start, plan.texts, plan.rng
        self.history, self.plan, self.n = history, plan, n
        now_night = int(history.night(0).timestamp()) * 1_000_000
        self.night_us = now_night - np.arange(NIGHTS + 1) * _DAY_US
        self.run_ids = pa.array(history.run_ids, pa.string())
        self.urls = pa.array([url_for(plan.start + p, lang) for p, lang in enumerate(texts.languages)], pa.string())
        self.doc_ids = pa.array([doc_id_for(url) for url in self.urls.to_pylist()], pa.string())
        self.etags = pa.array([f'"{sha[:16]}"' for sha in texts.content_sha256], pa.string())
        fetches = plan.fetches
        self.counts = np.diff(fetches.offsets)
        self.article = np.repeat(np.arange(n), self.counts)            # per fetch row: its article
        self.nights = fetches.flat                                      # per fetch row: nights ago
        k = np.arange(len(self.nights)) - fetches.offsets[self.article]
        self.ok = (k == 0) | (plan.edited[self.article] & (k == self.counts[self.article] - 1))
        self.at = self.night_us[self.nights] + rng.integers(0, 3600, len(self.nights)) * 1_000_000
        ids = rng.bytes(16 * len(self.nights)).hex()
        self.fetch_ids = pa.array([ids[i:i + 32] for i in range(0, len(ids), 32)], pa.string())
        self.first = fetches.offsets[:-1]                               # per article: its fetch rows
        self.last = fetches.offsets[1:] - 1
        self.current = np.where(plan.edited, self.last, self.first)     # the fetch of the stored version

    def runs(self, rows: np.ndarray) -> pa.Array:
        return self.run_ids.take(self.nights[rows])

    def fetch_log(self) -> pa.Table:
        texts, ok, rows = self.plan.texts, self.ok, len(self.nights)
        rng = self.plan.rng
        night_files = pa.array([f"mediamon-{self.history.night(n):%Y%m%d}.warc.gz" for n in range(NIGHTS + 1)])
        digests = pa.array([f"sha1:{sha[:32].upper()}" for sha in texts.content_sha256], pa.string())
        urls = self.urls.take(self.article)
        return pa.table({
            "fetch_id": self.fetch_ids, "url": urls, "attempted_at": utc(self.at),
            "outcome": pa.array(np.where(ok, "ok", "not_modified").tolist(), pa.string()),
            "http_status": pa.array(np.where(ok, 200, 304), pa.int32()), "final_url": urls,
            "redirects": pa.array([[]] * rows, pa.list_(pa.string())),
            "content_type": const("text/html; charset=utf-8", rows),
            "bytes": pa.array(np.where(ok, texts.chars[self.article] * 3, 0), pa.int64()),
            "elapsed_ms": pa.array(rng.integers(80, 2500, rows), pa.int32()),
            "etag": self.etags.take(self.article), "via": const("live", rows),
            "warc_file": pc.if_else(pa.array(ok), night_files.take(self.nights), pa.nulls(rows, pa.string())),
            "warc_offset": pa.array(rng.integers(0, 2**30, rows), pa.int64(), mask=~ok),
            "payload_digest": pc.if_else(pa.array(ok), digests.take(self.article), pa.nulls(rows, pa.string())),
            "run_id": self.runs(np.arange(rows)),
        })

    def documents(self, fetch_log: pa.Table) -> pa.Table:
        """Each article's row, its fetch columns those of its stored version's fetches row."""
        texts, n, current, version = self.plan.texts, self.n, self.current, np.where(self.plan.edited, 2, 1)
        fetch = fetch_log.take(current)
        fetched = self.at[current]
        published = ((fetched - _DAY_US) // _DAY_US).astype("datetime64[D]").astype(str)
        hosts = pa.array([url.split("/")[2] for url in self.urls.to_pylist()], pa.string())
        languages = pa.array(texts.languages, pa.string())
        return pa.table({
            "doc_id": self.doc_ids, "url": self.urls, "final_url": self.urls, "host": hosts,
            "fetch_id": self.fetch_ids.take(current), "fetched_at": utc(fetched), "via": const("live", n),
            "title": texts.title, "author": pa.nulls(n, pa.string()), "published_at": pa.array(published, pa.string()),
            "sitename": hosts, "text": texts.text, "word_count": pa.array(texts.word_count),
            "language": languages, "language_score": const(0.99, n), "language_method": const("agree", n),
            "content_sha256": pa.array(texts.content_sha256, pa.string()),
            "extractor": const("trafilatura (synthetic)", n), "run_id": self.runs(current),
            "langdetect_language": languages, "langdetect_score": const(0.99, n), "langid_language": languages,
            "langid_score": const(0.99, n), "declared_language": languages, "etag": self.etags,
            "last_modified": pa.nulls(n, pa.string()), "version": pa.array(version), "version_fetched_at": utc(fetched),
            "version_run_id": self.runs(current), "words_added": pa.nulls(n, pa.int32()),
            "words_removed": pa.nulls(n, pa.int32()),
            "title_changed": pa.array(np.zeros(n, bool), mask=version == 1),
            "snapshot_at": pa.nulls(n, UTC), "archive_url": pa.nulls(n, pa.string()), "warc_file": fetch["warc_file"],
            "warc_offset": fetch["warc_offset"], "payload_digest": fetch["payload_digest"],
        })

    def versions_and_events(self) -> tuple[pa.Table, pa.Table]:
        """The edited articles' first versions; each article's first_seen event and the edits'."""
        edited, old = np.flatnonzero(self.plan.edited), self.plan.earlier
        first, last = self.first, self.last
        versions = pa.table({
            "doc_id": self.doc_ids.take(edited), "version": const(1, len(edited), pa.int64()),
            "fetched_at": utc(self.at[first[edited]]), "last_seen_at": utc(self.at[last[edited] - 1]),
            "title": old.title, "text": old.text, "content_sha256": pa.array(old.content_sha256, pa.string()),
            "word_count": pa.array(old.word_count, pa.int64()), "run_id": self.runs(first[edited]),
            "fetch_id": self.fetch_ids.take(last[edited] - 1),
        })
        seen = np.concatenate([np.arange(self.n), edited])
        at = np.concatenate([first, last[edited]])
        is_edit = np.arange(len(seen)) >= self.n
        events = pa.table({
            "doc_id": self.doc_ids.take(seen), "url": self.urls.take(seen),
            "event": pa.array(np.where(is_edit, "edited", "first_seen").tolist(), pa.string()),
            "seen_at": utc(self.at[at]), "run_id": self.runs(at),
            "detail": pc.if_else(pa.array(is_edit), const("text changed", len(seen)), pa.nulls(len(seen), pa.string())),
            "fetch_id": self.fetch_ids.take(at), "version": pa.array(np.where(is_edit, 2, 1)),
        })
        return versions, events

    def url_schedule(self) -> pa.Table:
        n, now = self.n, int(self.history.now.timestamp()) * 1_000_000
        later = now + ((2 + self.plan.rng.random(n) * 43) * _DAY_US).astype(np.int64)
        return pa.table({
            "url": self.urls, "watched": pa.array(self.plan.cited), "state": const("live", n),
            "next_check_at": utc(later), "interval_days": pa.array(2 ** np.minimum(self.counts, 5)),
            "checks": pa.array(self.counts), "failures": const(0, n, pa.int64()),
            "first_checked_at": utc(self.at[self.first]), "last_checked_at": utc(self.at[self.last]),
            "last_changed_at": utc(self.at[self.current]), "failing_since": pa.nulls(n, UTC),
            "web_archive_asked": pa.array(np.zeros(n, bool)), "run_id": self.runs(self.last),
        })

    def index(self) -> dict[str, pa.Table]:
        """The duplicate index's rows: fingerprint and anchors (its look-up keys are built from them)."""
        texts, n = self.plan.texts, self.n
        sets = anchor_set_rows([AnchoredDoc(doc_id, lang, anchors) for doc_id, lang, anchors
                                in zip(self.doc_ids.to_pylist(), texts.languages, texts.anchors)])
        return {
            "fingerprints": pa.table({
                "doc_id": self.doc_ids, "kind": const("article", n),
                "normalized_sha256": pa.array(texts.normalized_sha256, pa.string()), "minhash": texts.minhash_column(),
                "shingle_count": pa.array(texts.shingle_count), "first_seen": utc(self.at[self.first])}),
            "anchor_sets": sets,
        }

    def duplicates(self) -> dict[str, pa.Table]:
        """The pair each copy or republication has (kept when the project's ``near_similarity`` says
        near), synthetic cross-lingual candidates, and each article's cluster representative."""
        plan, texts, doc_ids = self.plan, self.plan.texts, self.doc_ids.to_pylist()
        cluster, pairs = list(doc_ids), []
        for p in np.flatnonzero(plan.how != FRESH).tolist():
            mine = Fingerprint(texts.normalized_sha256[p], texts.minhash[p].tobytes(), (), int(texts.shingle_count[p]))
            if plan.how[p] == REPUBLISHED:
                story = self.history.seeds[self.history.republisher[plan.start + p]]
                other, kind = story.parsed.seed_id, "near"
                found = near_similarity(mine, story.fingerprint.minhash, story.fingerprint.shingle_count, 0.7)
            else:
                source = int(plan.source[p])
                other, kind = doc_ids[source], "exact" if plan.how[p] == EXACT else "near"
                found = (1.0, 1.0) if plan.how[p] == EXACT else near_similarity(
                    mine, texts.minhash[source].tobytes(), int(texts.shingle_count[source]), 0.7)
            if found is not None:
                pairs.append((p, other, kind, *found))
                cluster[p] = other
        positions = np.array([pair[0] for pair in pairs], np.int64)
        return {
            "duplicate_pairs": pa.table({
                "doc_id": self.doc_ids.take(positions), "duplicate_of": pa.array([p[1] for p in pairs], pa.string()),
                "kind": pa.array([p[2] for p in pairs], pa.string()),
                "similarity": pa.array([p[3] for p in pairs], pa.float64()),
                "containment": pa.array([p[4] for p in pairs], pa.float64()),
                "detected_at": utc(self.at[self.first[positions]]),
                "run_id": const(self.history.run_ids[0], len(pairs))}),
            "cross_lingual_pairs": self._cross_lingual(),
            "doc_clusters": pa.table({"doc_id": self.doc_ids, "cluster_id": pa.array(cluster, pa.string())}),
        }

    def _cross_lingual(self) -> pa.Table:
        """Synthetic candidate rows against an earlier article of another language (score and evidence
        made up: the pool holds no translations)."""
        plan, texts, rng, n = self.plan, self.plan.texts, self.plan.rng, self.n
        chosen = np.flatnonzero((plan.how == FRESH) & (rng.random(n) < CROSS_LINGUAL))
        pick, score, containment = rng.random(n), rng.uniform(0.3, 0.9, n), rng.uniform(0.2, 0.6, n)
        shared = rng.integers(7, 25, n)
        languages = np.array(texts.languages)
        found, others, evidence = [], [], []
        for p in chosen.tolist():
            window = np.arange(max(0, p - _CROSS_LINGUAL_WINDOW), p)
            window = window[languages[window] != languages[p]]
            if not len(window):
                continue
            surfaces = [a.surface for a in texts.anchors[p][:7]]
            found.append(p)
            others.append(int(window[int(pick[p] * len(window))]))
            evidence.append(f"{len(surfaces)} shared anchors, {len(surfaces)} strong in the same order: "
                            + "; ".join(surfaces))
        found = np.array(found, np.int64)
        return pa.table({
            "doc_id": self.doc_ids.take(found), "duplicate_of": self.doc_ids.take(np.array(others, np.int64)),
            "score": pa.array(np.round(score[found], 4)), "containment": pa.array(np.round(containment[found], 4)),
            "shared_anchors": pa.array(shared[found]), "evidence": pa.array(evidence, pa.string()),
            "detected_at": utc(self.at[self.first[found]]), "run_id": const(self.history.run_ids[0], len(found))})


def chunk_rows(history: History, plan: ChunkPlan) -> ChunkRows:
    """Every article table's rows of one planned chunk (the generator's draws in a fixed order)."""
    chunk = _Chunk(history, plan)
    versions, events = chunk.versions_and_events()
    fetch_log = chunk.fetch_log()
    tables = {"fetch_log": fetch_log, "documents": chunk.documents(fetch_log), "document_versions": versions,
              "article_event_log": events, "url_schedule": chunk.url_schedule()}
    tables |= chunk.index() | chunk.duplicates()
    fetched = np.bincount(chunk.nights[chunk.ok], minlength=NIGHTS + 1)
    return ChunkRows(tables, fetched, np.bincount(chunk.nights[~chunk.ok], minlength=NIGHTS + 1))
