"""What happened to each synthetic article (testkit.synthetic_warehouse), decided seeded, a chunk at a time.

Article ``i`` lives at a URL made from ``i``; its text is a fresh sample of paragraphs, or a copy
of an earlier fresh article of its chunk (exact, or near: one paragraph swapped), or a seed's body
(a republication). It was first fetched on one of the past ``NIGHTS`` nights and re-fetched
conditionally on later ones; some articles were edited between two fetches.

The languages and the seeds (which articles they cite and which republish them) are drawn once for
the whole warehouse; everything else a chunk of ``CHUNK`` articles at a time, from a generator
seeded by (seed, chunk number) and with numpy over the whole chunk. A chunk's decisions depend on
nothing but the seed and its number, so chunks can be planned in any process, in any order.
``testkit.synthetic_rows`` turns a chunk's plan into the warehouse's rows.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from core.records import Fingerprint, Seed
from extractors.fingerprint import fingerprint
from extractors.seed import parse_seed
from testkit.synthetic_articles import Articles, SyntheticText, compose, derive
from testkit.synthetic_texts import ParagraphPool, Sample

NIGHTS = 90
EXACT_COPIES, NEAR_COPIES, EDITED, CROSS_LINGUAL = 0.02, 0.03, 0.03, 0.005   # shares of articles
ARTICLES_PER_SEED, CITED_PER_SEED, DEAD_PER_SEED = 2_000, 16, 2
CHUNK = 2_000            # articles planned together (the unit of randomness and of parallel work)
FIDELITY_SAMPLES = 20    # fresh texts of the first chunk checked against the project's fingerprint
FRESH, EXACT, NEAR, REPUBLISHED = 0, 1, 2, 3   # how an article's text came
OUTLETS = {
    "ru": ("ria.ru", "tass.ru", "kommersant.ru", "lenta.ru", "rbc.ru", "iz.ru", "regnum.ru", "kavkaz-uzel.eu"),
    "tr": ("aa.com.tr", "hurriyet.com.tr", "sabah.com.tr", "haberturk.com", "trthaber.com", "milliyet.com.tr"),
    "az": ("apa.az", "report.az", "trend.az", "azertag.az", "oxu.az", "qafqazinfo.az"),
    "en": ("eurasianet.org", "reuters.com", "bbc.com", "civilnet.am", "oc-media.org", "jam-news.net", "rferl.org"),
    "uk": ("pravda.com.ua", "unian.ua", "ukrinform.ua", "zn.ua"),
    "de": ("dw.com", "faz.net"), "fr": ("lemonde.fr", "rfi.fr"), "kk": ("kazinform.kz", "tengrinews.kz"),
}


def url_for(index: int, language: str) -> str:
    outlets = OUTLETS[language]
    return f"https://{outlets[index % len(outlets)]}/{language}/news/{index:08d}.html"


@dataclass(frozen=True, slots=True)
class SeedStory:
    """A seed citing some articles (the first two republish its text) and dead links."""

    number: int
    parsed: Seed
    body: SyntheticText     # its text without the sources line: what republishing articles carry
    fingerprint: Fingerprint
    cited: list[int]        # article indices it cites
    dead: list[str]         # dead links it cites


@dataclass(frozen=True, slots=True)
class ChunkPlan:
    """The decided history of articles ``start`` to ``stop``; positions are within the chunk."""

    start: int
    stop: int
    how: np.ndarray            # FRESH, EXACT, NEAR or REPUBLISHED
    source: np.ndarray         # the copied position (exact, near copies), else -1
    texts: Articles            # each article's current text
    edited: np.ndarray         # bool: edited between its last two fetches
    earlier: Articles          # the first version of each edited article, in position order
    fetches: Sample            # each article's fetch nights (nights ago, descending: first fetch first)
    cited: np.ndarray          # bool: a seed cites it
    rng: np.random.Generator   # the chunk's generator, for the rows' remaining draws
    samples: list[SyntheticText]
    seconds: Counter           # stage -> seconds planning took


class History:
    """The warehouse-wide decisions (languages, seeds), and each chunk's ``plan``."""

    def __init__(self, pool: ParagraphPool, articles: int, seed: int = 7, *, now: datetime | None = None,
                 chunk: int = CHUNK) -> None:
        self.pool, self.articles, self.seed, self.chunk = pool, articles, seed, chunk
        self.now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
        self.run_ids = [f"synthetic-night-{night:03d}" for night in range(NIGHTS + 1)]
        rng = np.random.default_rng(seed)
        self.language_of = pool.languages_drawn(rng, articles)   # of the fresh articles; copies keep theirs
        self.seeds = [self._seed(rng, number) for number in range(max(2, articles // ARTICLES_PER_SEED))]
        self.cited = np.zeros(articles, bool)
        self.republisher = np.full(articles, -1, np.int64)
        for story in self.seeds:
            self.cited[story.cited] = True
            self.republisher[story.cited[:2]] = story.number

    @property
    def chunks(self) -> int:
        return -(-self.articles // self.chunk)

    def night(self, night: int) -> datetime:
        """When the nightly run ``night`` nights ago started (02:00 UTC)."""
        return (self.now - timedelta(days=night)).replace(hour=2, minute=0, second=0)

    def _seed(self, rng: np.random.Generator, number: int) -> SeedStory:
        language = int(self.pool.languages_drawn(rng, 1)[0])
        body = compose(self.pool, self.pool.languages[language], self.pool.sample(rng, [language]).of(0))
        cited = sorted({int(i) for i in rng.choice(self.articles, CITED_PER_SEED)})
        self.language_of[cited[:2]] = language
        urls = [url_for(i, self.pool.languages[self.language_of[i]]) for i in cited]
        dead = [f"https://gone-{number}-{k}.example/story.html" for k in range(DEAD_PER_SEED)]
        text = f"{body.title}\n\n{body.text}\n\nSources: " + " ".join(urls + dead) + "\n"
        return SeedStory(number, parse_seed(text, f"seeds/{number:04d}.txt"), body, fingerprint(text), cited, dead)

    def plan(self, number: int) -> ChunkPlan:
        """Chunk ``number``'s decisions, from its own generator."""
        rng = np.random.default_rng([self.seed, number])
        start, stop = number * self.chunk, min(self.articles, (number + 1) * self.chunk)
        seconds = Counter()
        how, source = self._origins(rng, start, stop)
        languages = self.language_of[start:stop].astype(np.int64)
        languages[source >= 0] = languages[source[source >= 0]]
        paragraphs = self._paragraphs(rng, start, how, source, languages)
        names = [self.pool.languages[lang] for lang in languages]
        texts = derive(self.pool, names, Sample.of_lists(paragraphs), seconds)
        edited, fetches = _fetch_nights(rng, stop - start)
        changed = np.flatnonzero(edited)
        earlier = derive(self.pool, [names[p] for p in changed],
                         Sample.of_lists([self.pool.replace_one(rng, languages[p], paragraphs[p]) for p in changed]))
        fresh = np.flatnonzero(how == FRESH)[:FIDELITY_SAMPLES] if number == 0 else []
        samples = [texts.text_at(int(p)) for p in fresh]
        return ChunkPlan(start, stop, how, source, texts, edited, earlier, fetches, self.cited[start:stop], rng,
                         samples, seconds)

    def _origins(self, rng: np.random.Generator, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """How each article's text came and, for a copy, which earlier fresh article it copies."""
        republished = self.republisher[start:stop] >= 0
        draw = rng.random(stop - start)
        copy = ~self.cited[start:stop] & (draw < EXACT_COPIES + NEAR_COPIES)
        first = np.flatnonzero(~republished)[:1]
        copy[first] = False   # a copy needs an earlier fresh article: the chunk's first is fresh
        fresh = ~copy & ~republished
        how = np.where(republished, REPUBLISHED, np.where(copy, np.where(draw < EXACT_COPIES, EXACT, NEAR), FRESH))
        fresh_before, fresh_at = np.cumsum(fresh) - fresh, np.flatnonzero(fresh)
        pick = (rng.random(stop - start) * fresh_before).astype(np.int64)
        source = np.where(copy, fresh_at[np.minimum(pick, max(len(fresh_at) - 1, 0))] if len(fresh_at) else -1, -1)
        return how.astype(np.int8), source

    def _paragraphs(self, rng, start, how, source, languages) -> list:
        """Each article's paragraphs: sampled (fresh), a seed's body, or its source's (one swapped if near)."""
        paragraphs: list = [None] * len(how)
        fresh = np.flatnonzero(how == FRESH)
        sample = self.pool.sample(rng, languages[fresh])
        for k, p in enumerate(fresh):
            paragraphs[p] = sample.of(k)
        for p in np.flatnonzero(how != FRESH):
            if how[p] == REPUBLISHED:
                paragraphs[p] = np.array(self.seeds[self.republisher[start + p]].body.paragraphs, np.int64)
            elif how[p] == EXACT:
                paragraphs[p] = paragraphs[source[p]]
            else:
                paragraphs[p] = self.pool.replace_one(rng, languages[p], paragraphs[source[p]])
        return paragraphs


def _fetch_nights(rng: np.random.Generator, n: int) -> tuple[np.ndarray, Sample]:
    """Which articles were edited, and the nights each was fetched on: a first fetch 2 to NIGHTS-1
    nights ago and up to three later ones (at least one for an edited article)."""
    edited = rng.random(n) < EDITED
    first = rng.integers(2, NIGHTS, n)
    later = rng.integers(1, first[:, None], (n, 3))
    later[np.arange(3)[None, :] >= rng.integers(edited.astype(np.int64), 4)[:, None]] = 0
    nights = -np.sort(-np.column_stack([first, later]), axis=1)
    valid = nights > 0
    valid[:, 1:] &= nights[:, 1:] != nights[:, :-1]
    counts = valid.sum(axis=1)
    return edited & (counts > 1), Sample(np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), nights[valid])
