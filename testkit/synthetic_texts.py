"""The paragraphs synthetic articles are mixed from, cut from the shared corpus, and seeded samples of them.

A pool of paragraphs (runs of consecutive sentences, 40+ words) is cut from real texts: the
article-extraction-benchmark's ground truth (the pages a benchmark serves are left out, so new
pages are not copies of stored ones), the tr/ru/uk news pages' extracted texts and the langid
sentences (tr ru uk az kk en de fr). Each paragraph is fingerprinted once with the project's own
``extractors.fingerprint.fingerprint``; ``testkit.synthetic_articles`` derives an article's
fingerprint from its paragraphs'. A synthetic article is a seeded sample of distinct paragraphs of
one language (about 300-900 words). The pool keeps its paragraphs column-wise (Arrow texts, numpy
counts and a signature matrix), so thousands of articles are sampled and derived at once.
"""
from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from core.records import Anchor
from extractors.fingerprint import fingerprint, normalized_words
from testkit.corpus import aeb_dir, load_aeb

LANGID_LANGUAGES = ("tr", "ru", "uk", "az", "kk", "en", "de", "fr")
# the mix of a warehouse that follows Karabakh coverage: Russian, Turkish, Azerbaijani, English, Ukrainian
LANGUAGE_SHARES = {"ru": 0.28, "tr": 0.2, "az": 0.16, "en": 0.2, "uk": 0.1, "de": 0.03, "fr": 0.02, "kk": 0.01}
MIN_PARAGRAPH_WORDS = 40
ARTICLE_WORDS = (300, 900)   # an article's words are drawn from this range
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+")
_EMPTY = np.full(128, 0xFFFFFFFF, dtype="<u4")   # the MinHash of nothing: the neutral element of min


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    language: str
    normalized: str        # its normalised words, joined by spaces
    words: int             # normalised words
    tokens: int            # whitespace-separated words (the documents.word_count way)
    shingles: int
    anchors: tuple[Anchor, ...]


@dataclass(frozen=True, slots=True)
class Sample:
    """Paragraph lists of many articles, ragged: article ``i`` is ``flat[offsets[i]:offsets[i + 1]]``."""

    offsets: np.ndarray   # int64, one more than articles
    flat: np.ndarray      # int64 pool indices

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def of(self, i: int) -> np.ndarray:
        return self.flat[self.offsets[i]:self.offsets[i + 1]]

    @classmethod
    def of_lists(cls, lists: list) -> "Sample":
        lengths = np.fromiter((len(p) for p in lists), np.int64, len(lists))
        flat = np.concatenate([np.asarray(p, np.int64) for p in lists]) if lists else np.zeros(0, np.int64)
        return cls(np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64), flat)


def _paragraphs_of(text: str, min_words: int = MIN_PARAGRAPH_WORDS) -> list[str]:
    """Runs of consecutive sentences of ``min_words`` words or more (the tail joins the last run)."""
    out, run, words = [], [], 0
    for sentence in _SENTENCE_END_RE.split(" ".join(text.split())):
        run.append(sentence)
        words += len(sentence.split())
        if words >= min_words:
            out.append(" ".join(run))
            run, words = [], 0
    if run and out:
        out[-1] += " " + " ".join(run)
    elif run and words >= min_words // 2:
        out.append(" ".join(run))
    return out


def _news_texts(root: Path) -> list[tuple[str, str]]:
    """(language, extracted text) of the tr/ru/uk news pages not taken from the extraction benchmark."""
    from extractors.article import extract_article

    found = []
    for page in sorted(root.glob("*/*.html*")):
        if page.name.startswith("aeb_"):
            continue
        body = page.read_bytes()
        article = extract_article(gzip.decompress(body) if page.suffix == ".gz" else body)
        if article is not None and len(article.text.split()) >= MIN_PARAGRAPH_WORDS:
            found.append((page.parent.name, article.text))
    return found


def source_texts(served: int) -> list[tuple[str, str]]:
    """(language, text) of every text the pool is cut from; the first ``served`` benchmark pages
    (id order: the ones a benchmark serves) are left out."""
    from extractors.language import detect_language

    shared = aeb_dir().parent
    texts = [(detect_language(page["articleBody"]).code, page["articleBody"])
             for page in list(load_aeb().values())[served:]]
    texts += _news_texts(shared / "news-tr-ru-uk")
    for language in LANGID_LANGUAGES:
        sentences = (shared / "langid" / f"{language}.txt").read_text("utf-8").splitlines()
        texts += [(language, " ".join(sentences[i : i + 8])) for i in range(0, len(sentences), 8)]
    return [(language, text) for language, text in texts if language in LANGUAGE_SHARES]


class ParagraphPool:
    """Paragraphs by language with their fingerprints, column-wise, and seeded samples of them."""

    def __init__(self, texts: list[tuple[str, str]]) -> None:
        self.paragraphs: list[Paragraph] = []
        signatures = []
        for language, text in texts:
            for chunk in _paragraphs_of(text):
                fp = fingerprint(chunk)
                words = normalized_words(chunk)
                self.paragraphs.append(Paragraph(chunk, language, " ".join(words), len(words), len(chunk.split()),
                                                 fp.shingle_count, fp.anchors))
                signatures.append(np.frombuffer(fp.minhash, dtype="<u4"))
        self.signatures = np.vstack(signatures + [_EMPTY])   # last row: padding for min over ragged lists
        self.text = pa.array([p.text for p in self.paragraphs], pa.string())
        self.normalized = pa.array([p.normalized for p in self.paragraphs], pa.string())
        self.title = pa.array([" ".join(p.text.split(maxsplit=10)[:10]).rstrip(".,;:") for p in self.paragraphs],
                              pa.string())   # an article's title: its first paragraph's first ten words
        self.tokens = np.array([p.tokens for p in self.paragraphs], np.int64)
        self.shingles = np.array([p.shingles for p in self.paragraphs], np.int64)
        self.chars = np.array([len(p.text) for p in self.paragraphs], np.int64)
        self.anchors = [p.anchors for p in self.paragraphs]
        self.by_language = {lang: np.array([i for i, p in enumerate(self.paragraphs) if p.language == lang],
                                           np.int64) for lang in LANGUAGE_SHARES}
        self.languages = [lang for lang in LANGUAGE_SHARES if len(self.by_language[lang])]
        shares = np.array([LANGUAGE_SHARES[lang] for lang in self.languages])
        self.shares = shares / shares.sum()
        self.mean_words = np.array([np.mean([self.paragraphs[i].words for i in self.by_language[lang]])
                                    for lang in self.languages])
        self._members = np.concatenate([self.by_language[lang] for lang in self.languages])
        self._sizes = np.array([len(self.by_language[lang]) for lang in self.languages], np.int64)
        self._starts = np.concatenate([[0], np.cumsum(self._sizes)[:-1]]).astype(np.int64)

    def languages_drawn(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """``count`` languages (indices into ``languages``) drawn by the shares."""
        return rng.choice(len(self.languages), size=count, p=self.shares).astype(np.int8)

    def sample(self, rng: np.random.Generator, languages: np.ndarray) -> Sample:
        """For each language (an index into ``languages``), distinct paragraphs of it adding up to about
        300-900 words, in drawn order: all articles drawn at once."""
        languages = np.asarray(languages, np.int64)
        sizes = self._sizes[languages]
        wanted = np.minimum((rng.integers(*ARTICLE_WORDS, len(languages)) / self.mean_words[languages]).astype(np.int64)
                            + 1, sizes)
        draws = wanted + 8
        article = np.repeat(np.arange(len(languages)), draws)
        local = (rng.random(int(draws.sum())) * sizes[article]).astype(np.int64)
        first = np.zeros(len(local), bool)   # the first draw of each paragraph within its article
        first[np.unique(article * (int(sizes.max(initial=1)) + 1) + local, return_index=True)[1]] = True
        kept_before = np.cumsum(first) - first
        rank = kept_before - kept_before[np.concatenate([[0], np.cumsum(draws)[:-1]])][article]
        keep = first & (rank < wanted[article])
        got = np.bincount(article[keep], minlength=len(languages))
        lists = np.split(local[keep], np.cumsum(got)[:-1])
        for i in np.flatnonzero(got < wanted):   # rare: too few distinct draws; top up from a permutation
            have = set(lists[i].tolist())
            more = [p for p in rng.permutation(sizes[i]).tolist() if p not in have]
            lists[i] = np.concatenate([lists[i], more]).astype(np.int64)[:wanted[i]]
        sample = Sample.of_lists(lists)
        article_of = np.repeat(np.arange(len(languages)), np.diff(sample.offsets))
        return Sample(sample.offsets, self._members[self._starts[languages][article_of] + sample.flat])

    def replace_one(self, rng: np.random.Generator, language: int, paragraphs: np.ndarray) -> np.ndarray:
        """The same paragraphs with one swapped for another of the language (a near copy, an edit)."""
        pool = self.by_language[self.languages[language]]
        at, other = int(rng.integers(len(paragraphs))), int(rng.choice(pool))
        changed = np.array(paragraphs, np.int64)
        changed[at] = other
        return changed


@cache
def pool(served: int = 100) -> ParagraphPool:
    return ParagraphPool(source_texts(served))
