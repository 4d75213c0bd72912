"""What happened to each synthetic article, as the warehouse's rows (testkit.synthetic_warehouse).

Article ``i`` lives at a URL made from ``i``; its text is a fresh sample of paragraphs, or a copy
of an earlier article of its batch (exact, or near: one paragraph swapped), or a seed's body (a
republication). It was first fetched on one of the past ``NIGHTS`` nights and re-fetched
conditionally on later ones; some articles were edited between two fetches.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow as pa

from core.records import Fingerprint
from extractors.fingerprint import fingerprint
from extractors.seed import parse_seed
from testkit.synthetic_texts import ParagraphPool, SyntheticText
from warehouse.dedupe import near_similarity
from warehouse.revisions import doc_id_for

NIGHTS = 90
EXACT_COPIES, NEAR_COPIES, EDITED, CROSS_LINGUAL = 0.02, 0.03, 0.03, 0.005   # shares of articles
ARTICLES_PER_SEED, CITED_PER_SEED, DEAD_PER_SEED = 2_000, 16, 2
INSERT_ORDER = ("run_log", "seed_docs", "citation_links", "fetch_log", "documents", "document_versions",
                "article_event_log", "url_schedule", "fingerprints", "lsh_buckets", "anchor_sets",
                "anchor_postings", "duplicate_pairs", "cross_lingual_pairs", "doc_clusters")
OUTLETS = {
    "ru": ("ria.ru", "tass.ru", "kommersant.ru", "lenta.ru", "rbc.ru", "iz.ru", "regnum.ru", "kavkaz-uzel.eu"),
    "tr": ("aa.com.tr", "hurriyet.com.tr", "sabah.com.tr", "haberturk.com", "trthaber.com", "milliyet.com.tr"),
    "az": ("apa.az", "report.az", "trend.az", "azertag.az", "oxu.az", "qafqazinfo.az"),
    "en": ("eurasianet.org", "reuters.com", "bbc.com", "civilnet.am", "oc-media.org", "jam-news.net", "rferl.org"),
    "uk": ("pravda.com.ua", "unian.ua", "ukrinform.ua", "zn.ua"),
    "de": ("dw.com", "faz.net"), "fr": ("lemonde.fr", "rfi.fr"), "kk": ("kazinform.kz", "tengrinews.kz"),
}
_UTC = pa.timestamp("us", tz="UTC")


def url_for(index: int, language: str) -> str:
    outlets = OUTLETS[language]
    return f"https://{outlets[index % len(outlets)]}/{language}/news/{index:08d}.html"


@dataclass
class Batch:
    tables: dict[str, pa.Table] = field(default_factory=dict)


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

    def table(self, types: dict[str, pa.DataType] | None = None) -> pa.Table:
        types = types or {}
        return pa.table({name: pa.array(values, types.get(name)) for name, values in self.columns.items()})


_TIMES = {name: _UTC for name in ("attempted_at", "fetched_at", "version_fetched_at", "first_seen", "seen_at",
                                   "last_seen_at", "next_check_at", "first_checked_at", "last_checked_at",
                                   "last_changed_at", "failing_since", "detected_at", "started_at", "finished_at",
                                   "ingested_at")}
_TYPES = {**_TIMES, "http_status": pa.int32(), "bytes": pa.int64(), "elapsed_ms": pa.int32(),
          "warc_offset": pa.int64(), "redirects": pa.list_(pa.string()), "minhash": pa.binary(),
          "error": pa.string(), "etag": pa.string(), "band": pa.int16(), "bucket": pa.int64(),
          "detail": pa.string(), "author": pa.string(), "last_modified": pa.string(), "words_added": pa.int32(),
          "words_removed": pa.int32(), "title_changed": pa.bool_(), "content_type": pa.string(),
          "warc_file": pa.string(), "payload_digest": pa.string()}


class History:
    """Decides, seeded, every synthetic article's text and fetches; ``batch`` turns a range into rows."""

    def __init__(self, paragraphs: ParagraphPool, articles: int, rng: np.random.Generator) -> None:
        self.pool, self.articles, self.rng = paragraphs, articles, rng
        self.now = datetime.now(timezone.utc).replace(microsecond=0)
        self.run_ids = [f"synthetic-night-{night:03d}" for night in range(NIGHTS + 1)]
        self.run_counts: dict[int, Counter] = defaultdict(Counter)
        self.samples: list[SyntheticText] = []
        self.languages = paragraphs.languages_drawn(rng, articles)   # of the fresh articles; copies keep theirs
        self.seeds = [self._seed(number) for number in range(max(2, articles // ARTICLES_PER_SEED))]
        self.cited = {index for seed in self.seeds for index in seed.cited}
        self.republisher = {index: seed for seed in self.seeds for index in seed.cited[:2]}

    def night(self, night: int) -> datetime:
        """When the nightly run ``night`` nights ago started (02:00 UTC)."""
        return (self.now - timedelta(days=night)).replace(hour=2, minute=0, second=0)

    def _seed(self, number: int) -> "_Seed":
        """A seed citing some articles (the first two republish its text) and dead links."""
        language, paragraphs = self.pool.pick(self.rng)
        body = self.pool.compose(language, paragraphs)
        cited = sorted({int(i) for i in self.rng.choice(self.articles, CITED_PER_SEED)})
        for index in cited[:2]:
            self.languages[index] = language
        urls = [url_for(i, self.languages[i]) for i in cited]
        dead = [f"https://gone-{number}-{k}.example/story.html" for k in range(DEAD_PER_SEED)]
        text = f"{body.title}\n\n{body.text}\n\nSources: " + " ".join(urls + dead) + "\n"
        return _Seed(parse_seed(text, f"seeds/{number:04d}.txt"), body, fingerprint(text), cited, dead)

    def _text_of(self, index: int, originals: list[tuple[int, SyntheticText]]) -> tuple[SyntheticText, str, int | None]:
        """(text, how it came, which earlier article of the batch it copies)."""
        if index in self.republisher:
            return self.republisher[index].body, "seed", None
        draw = self.rng.random()
        if originals and index not in self.cited and draw < EXACT_COPIES + NEAR_COPIES:
            source, text = originals[int(self.rng.integers(len(originals)))]
            if draw < EXACT_COPIES:
                return text, "exact", source
            return self.pool.compose(text.language, self.pool.replace_one(self.rng, text.language, text.paragraphs)), \
                "near", source
        return self.pool.compose(*self.pool.pick(self.rng, self.languages[index])), "fresh", None

    def batch(self, start: int, stop: int) -> Batch:
        rows = {table: _Rows() for table in INSERT_ORDER}
        originals: list[tuple[int, SyntheticText]] = []
        texts: dict[int, SyntheticText] = {}
        clusters: dict[str, str] = {}
        for index in range(start, stop):
            text, how, source = self._text_of(index, originals)
            texts[index] = text
            if how == "fresh":
                originals.append((index, text))
                if len(self.samples) < 20:
                    self.samples.append(text)
            self._article(rows, index, text, how, source, texts, clusters)
        return Batch({table: r.table(_TYPES) for table, r in rows.items() if r.columns})

    def _article(self, rows, index, text, how, source, texts, clusters) -> None:
        url = url_for(index, text.language)
        doc_id, rng = doc_id_for(url), self.rng
        edited = rng.random() < EDITED
        first = int(rng.integers(2, NIGHTS))
        nights = sorted({first, *rng.integers(1, first, int(rng.integers(1 if edited else 0, 4))).tolist()},
                        reverse=True)
        edited = edited and len(nights) > 1
        fetch_ids = [rng.bytes(16).hex() for _ in nights]
        at = [self.night(n) + timedelta(seconds=int(rng.integers(0, 3600))) for n in nights]
        etag = f'"{text.content_sha256[:16]}"'
        for k, (night, fetch_id, when) in enumerate(zip(nights, fetch_ids, at)):
            ok = k == 0 or (edited and k == len(nights) - 1)
            rows["fetch_log"].add(fetch_id=fetch_id, url=url, attempted_at=when, outcome="ok" if ok else "not_modified",
                                  http_status=200 if ok else 304, final_url=url, redirects=[],
                                  content_type="text/html; charset=utf-8", bytes=len(text.text) * 3 if ok else 0,
                                  elapsed_ms=int(rng.integers(80, 2500)), etag=etag, via="live",
                                  warc_file=f"mediamon-{when:%Y%m%d}.warc.gz" if ok else None,
                                  warc_offset=int(rng.integers(0, 2**30)) if ok else None,
                                  payload_digest=f"sha1:{text.content_sha256[:32].upper()}" if ok else None,
                                  run_id=self.run_ids[night])
            self.run_counts[night]["ok" if ok else "not_modified"] += 1
        current = len(nights) - 1 if edited else 0
        self._document(rows, doc_id, url, text, fetch_ids[current], at[current], nights[current], etag,
                       version=2 if edited else 1)
        rows["article_event_log"].add(doc_id=doc_id, url=url, event="first_seen", seen_at=at[0],
                                      run_id=self.run_ids[nights[0]], detail=None, fetch_id=fetch_ids[0], version=1)
        if edited:
            old = self.pool.compose(text.language, self.pool.replace_one(rng, text.language, text.paragraphs))
            rows["document_versions"].add(doc_id=doc_id, version=1, fetched_at=at[0], last_seen_at=at[-2],
                                          title=old.title, text=old.text, content_sha256=old.content_sha256,
                                          word_count=old.word_count, run_id=self.run_ids[nights[0]],
                                          fetch_id=fetch_ids[-2])
            rows["article_event_log"].add(doc_id=doc_id, url=url, event="edited", seen_at=at[-1],
                                          run_id=self.run_ids[nights[-1]], detail="text changed",
                                          fetch_id=fetch_ids[-1], version=2)
        rows["url_schedule"].add(url=url, watched=index in self.cited, state="live",
                                 next_check_at=self.now + timedelta(days=2 + float(rng.random()) * 43),
                                 interval_days=2 ** min(len(nights), 5), checks=len(nights), failures=0,
                                 first_checked_at=at[0], last_checked_at=at[-1], last_changed_at=at[current],
                                 failing_since=None, web_archive_asked=False, run_id=self.run_ids[nights[-1]])
        cluster = self._duplicates(rows, doc_id, text, at[0], how, source, texts, index)
        _index(rows, doc_id, "article", text.normalized_sha256, text.minhash, text.shingle_count, text.band_keys,
               text.anchor_keys, text.anchor_surfaces, at[0])
        clusters[doc_id] = clusters.get(cluster, cluster)
        rows["doc_clusters"].add(doc_id=doc_id, cluster_id=clusters[doc_id])

    def _document(self, rows, doc_id, url, text, fetch_id, fetched_at, night, etag, version) -> None:
        host = url.split("/")[2]
        rows["documents"].add(
            doc_id=doc_id, url=url, final_url=url, host=host, fetch_id=fetch_id, fetched_at=fetched_at, via="live",
            title=text.title, author=None, published_at=(fetched_at - timedelta(days=1)).date().isoformat(),
            sitename=host, text=text.text, word_count=text.word_count, language=text.language, language_score=0.99,
            language_method="agree", content_sha256=text.content_sha256, extractor="trafilatura (synthetic)",
            run_id=self.run_ids[night], langdetect_language=text.language, langdetect_score=0.99,
            langid_language=text.language, langid_score=0.99, declared_language=text.language, etag=etag,
            last_modified=None, version=version, version_fetched_at=fetched_at, version_run_id=self.run_ids[night],
            words_added=None, words_removed=None, title_changed=False if version > 1 else None)

    def _duplicates(self, rows, doc_id, text, first_seen, how, source, texts, index) -> str:
        """The pair (or cross-lingual candidate) the article has; its cluster's representative."""
        if how == "seed":
            seed = self.republisher[index]
            found = near_similarity(_fp(text), seed.fingerprint.minhash, seed.fingerprint.shingle_count, 0.7)
            return self._pair(rows, doc_id, seed.parsed.seed_id, "near", found, first_seen) or doc_id
        if how in ("exact", "near"):
            original = texts[source]
            found = (1.0, 1.0) if how == "exact" else near_similarity(_fp(text), original.minhash,
                                                                     original.shingle_count, 0.7)
            return self._pair(rows, doc_id, doc_id_for(url_for(source, original.language)), how, found,
                              first_seen) or doc_id
        if self.rng.random() < CROSS_LINGUAL:
            self._cross_lingual(rows, doc_id, text, texts, first_seen)
        return doc_id

    def _pair(self, rows, doc_id, other, kind, found, detected_at) -> str | None:
        if found is None:
            return None
        rows["duplicate_pairs"].add(doc_id=doc_id, duplicate_of=other, kind=kind, similarity=found[0],
                                    containment=found[1], detected_at=detected_at, run_id=self.run_ids[0])
        return other

    def _cross_lingual(self, rows, doc_id, text, texts, detected_at) -> None:
        """A synthetic candidate row against an earlier article of another language (score and evidence made up)."""
        others = [(i, t) for i, t in list(texts.items())[-200:] if t.language != text.language]
        if not others:
            return
        index, other = others[int(self.rng.integers(len(others)))]
        shared = text.anchor_surfaces[:7]
        rows["cross_lingual_pairs"].add(
            doc_id=doc_id, duplicate_of=doc_id_for(url_for(index, other.language)),
            score=round(float(self.rng.uniform(0.3, 0.9)), 4), containment=round(float(self.rng.uniform(0.2, 0.6)), 4),
            shared_anchors=int(self.rng.integers(7, 25)),
            evidence=f"{len(shared)} shared anchors, {len(shared)} strong in the same order: " + "; ".join(shared),
            detected_at=detected_at, run_id=self.run_ids[0])

    def finish(self) -> Batch:
        """The seeds (with their citations, dead links and index rows) and the runs that fetched everything."""
        rows = {table: _Rows() for table in INSERT_ORDER}
        ingested = self.night(NIGHTS) - timedelta(hours=1)
        for seed in self.seeds:
            parsed, fp = seed.parsed, seed.fingerprint
            rows["seed_docs"].add(seed_id=parsed.seed_id, source_path=parsed.source_path, title=parsed.title,
                                  text=parsed.text, content_sha256=parsed.content_sha256, language=seed.body.language,
                                  language_score=0.99, language_method="agree", ingested_at=ingested,
                                  run_id=self.run_ids[NIGHTS])
            for citation in parsed.citations:
                rows["citation_links"].add(seed_id=parsed.seed_id, position=citation.position,
                                           url_as_cited=citation.url_as_cited, url=citation.url)
            _index(rows, parsed.seed_id, "seed", fp.normalized_sha256, fp.minhash, fp.shingle_count, fp.band_keys,
                   tuple(a.key for a in fp.anchors), tuple(a.surface for a in fp.anchors), ingested)
            rows["doc_clusters"].add(doc_id=parsed.seed_id, cluster_id=parsed.seed_id)
            for number, url in enumerate(seed.dead):
                self._dead_link(rows, url, number)
        for night, run_id in enumerate(self.run_ids):
            counts, started = self.run_counts[night], self.night(night)
            rows["run_log"].add(run_id=run_id, flow="nightly", started_at=started,
                                finished_at=started + timedelta(minutes=20), status="completed",
                                urls_planned=sum(counts.values()), fetched_ok=counts["ok"] + counts["not_modified"],
                                failed=counts["failed"], new_articles=counts["ok"], duplicates=0, new_seeds=0,
                                outcomes="{}", languages="{}", planned_new=counts["ok"],
                                planned_revisit=counts["not_modified"], planned_retry=counts["failed"])
        return Batch({table: r.table(_TYPES) for table, r in rows.items() if r.columns})

    def _dead_link(self, rows, url: str, number: int) -> None:
        """A cited link that never worked: a few failed attempts, checked again later."""
        nights = sorted({int(n) for n in self.rng.integers(1, NIGHTS, 3)}, reverse=True)
        for night in nights:
            rows["fetch_log"].add(fetch_id=self.rng.bytes(16).hex(), url=url, attempted_at=self.night(night),
                                  outcome="http_error" if number % 2 else "dns_error",
                                  http_status=404 if number % 2 else None, final_url=url, redirects=[],
                                  content_type=None, bytes=0, elapsed_ms=int(self.rng.integers(5, 900)),
                                  error=None if number % 2 else "name does not resolve", etag=None, via="live",
                                  run_id=self.run_ids[night])
            self.run_counts[night]["failed"] += 1
        rows["url_schedule"].add(url=url, watched=True, state="failing",
                                 next_check_at=self.now + timedelta(days=2 + float(self.rng.random()) * 43),
                                 interval_days=8, checks=len(nights), failures=len(nights),
                                 first_checked_at=self.night(nights[0]), last_checked_at=self.night(nights[-1]),
                                 last_changed_at=None, failing_since=self.night(nights[0]), web_archive_asked=True,
                                 run_id=self.run_ids[nights[-1]])


@dataclass(frozen=True, slots=True)
class _Seed:
    parsed: object          # extractors.seed's Seed
    body: SyntheticText     # its text without the sources line: what republishing articles carry
    fingerprint: Fingerprint
    cited: list[int]        # article indices it cites
    dead: list[str]         # dead links it cites


def _fp(text: SyntheticText) -> Fingerprint:
    return Fingerprint(text.normalized_sha256, text.minhash, text.band_keys, text.shingle_count)


def _index(rows, doc_id, kind, normalized_sha256, minhash, shingle_count, band_keys, anchor_keys, surfaces,
           first_seen) -> None:
    """The duplicate index's rows of one document: fingerprint, LSH buckets, anchors and their postings."""
    rows["fingerprints"].add(doc_id=doc_id, kind=kind, normalized_sha256=normalized_sha256, minhash=minhash,
                             shingle_count=shingle_count, first_seen=first_seen)
    rows["lsh_buckets"].extend(band=range(len(band_keys)), bucket=band_keys, doc_id=[doc_id] * len(band_keys))
    rows["anchor_sets"].add(doc_id=doc_id, anchors=list(anchor_keys), surfaces=list(surfaces))
    rows["anchor_postings"].extend(anchor=anchor_keys, doc_id=[doc_id] * len(anchor_keys))
