"""Synthetic articles mixed from the shared corpus, with their fingerprints computed fast.

A pool of paragraphs (runs of consecutive sentences, 40+ words) is cut from real texts: the
article-extraction-benchmark's ground truth (the pages a benchmark serves are left out, so new
pages are not copies of stored ones), the tr/ru/uk news pages' extracted texts and the langid
sentences (tr ru uk az kk en de fr). Each paragraph is fingerprinted once with the project's own
``extractors.fingerprint.fingerprint``. A synthetic article is a seeded sample of paragraphs of one
language (about 300-900 words), and its fingerprint is derived from its paragraphs' fingerprints:

- MinHash: the MinHash of a union of sets is the element-wise minimum of the sets' MinHashes, so
  the article's signature is the minimum of its paragraphs' signatures. The 5-word shingles that
  span two paragraphs are missing from it (4 per boundary, about 5 % of an article's shingles).
- LSH band keys: computed from that signature exactly as the project does.
- Anchors: the union of the paragraphs' anchors in order of first appearance. Context the anchor
  extractor reads across paragraphs (a sentence-initial name also written mid-sentence elsewhere,
  the Turkic spelling rule over the whole text) is read per paragraph.
- Exact key and shingle count: the normalised words of the whole text (exact); shingles counted
  as the paragraphs' plus those spanning boundaries (repeats across paragraphs not removed).

``fidelity`` measures how close this is to ``fingerprint`` of the same texts.
"""
from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from core.similarity import estimated_jaccard
from extractors.fingerprint import BANDS, ROWS, SHINGLE_WORDS, fingerprint, normalized_words
from testkit.corpus import aeb_dir, load_aeb

LANGID_LANGUAGES = ("tr", "ru", "uk", "az", "kk", "en", "de", "fr")
# the mix of a warehouse that follows Karabakh coverage: Russian, Turkish, Azerbaijani, English, Ukrainian
LANGUAGE_SHARES = {"ru": 0.28, "tr": 0.2, "az": 0.16, "en": 0.2, "uk": 0.1, "de": 0.03, "fr": 0.02, "kk": 0.01}
MIN_PARAGRAPH_WORDS = 40
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…])\s+")
_PERSON = [band.to_bytes(2, "little") * 8 for band in range(BANDS)]
_EMPTY = np.full(128, 0xFFFFFFFF, dtype="<u4")   # the MinHash of nothing: the neutral element of min


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    language: str
    normalized: str        # its normalised words, joined by spaces
    words: int             # normalised words
    tokens: int            # whitespace-separated words (the documents.word_count way)
    shingles: int
    anchor_keys: tuple[str, ...]
    anchor_surfaces: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SyntheticText:
    """An article's text and the fingerprint columns the warehouse stores for it."""

    text: str
    title: str
    language: str
    paragraphs: tuple[int, ...]  # pool indices
    normalized_sha256: str
    content_sha256: str
    minhash: bytes
    band_keys: tuple[int, ...]
    shingle_count: int
    word_count: int
    anchor_keys: tuple[str, ...]
    anchor_surfaces: tuple[str, ...]


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
    """Paragraphs by language with their fingerprints, and articles composed from them."""

    def __init__(self, texts: list[tuple[str, str]]) -> None:
        self.paragraphs: list[Paragraph] = []
        signatures = []
        for language, text in texts:
            for chunk in _paragraphs_of(text):
                fp = fingerprint(chunk)
                words = normalized_words(chunk)
                self.paragraphs.append(Paragraph(chunk, language, " ".join(words), len(words), len(chunk.split()),
                                                 fp.shingle_count,
                                                 tuple(a.key for a in fp.anchors), tuple(a.surface for a in fp.anchors)))
                signatures.append(np.frombuffer(fp.minhash, dtype="<u4"))
        self.signatures = np.vstack(signatures + [_EMPTY])   # last row: padding for min over ragged lists
        self.by_language = {lang: np.array([i for i, p in enumerate(self.paragraphs) if p.language == lang])
                            for lang in LANGUAGE_SHARES}
        self.languages = [lang for lang in LANGUAGE_SHARES if len(self.by_language[lang])]
        shares = np.array([LANGUAGE_SHARES[lang] for lang in self.languages])
        self.shares = shares / shares.sum()
        self.mean_words = {lang: float(np.mean([self.paragraphs[i].words for i in self.by_language[lang]]))
                           for lang in self.languages}

    def pick(self, rng: np.random.Generator, language: str | None = None) -> tuple[str, tuple[int, ...]]:
        """A language (by the shares) and a sample of its paragraphs adding up to about 300-900 words."""
        language = language or self.languages[rng.choice(len(self.languages), p=self.shares)]
        pool = self.by_language[language]
        wanted = min(int(rng.integers(300, 900) / self.mean_words[language]) + 1, len(pool))
        drawn = dict.fromkeys(rng.integers(0, len(pool), wanted + 8).tolist())  # distinct, in drawn order
        while len(drawn) < wanted:
            drawn.update(dict.fromkeys(rng.integers(0, len(pool), wanted).tolist()))
        return language, tuple(int(pool[i]) for i in list(drawn)[:wanted])

    def languages_drawn(self, rng: np.random.Generator, count: int) -> list[str]:
        """``count`` languages drawn by the shares (faster than one ``pick`` at a time)."""
        return [self.languages[i] for i in rng.choice(len(self.languages), size=count, p=self.shares)]

    def replace_one(self, rng: np.random.Generator, language: str, paragraphs: tuple[int, ...]) -> tuple[int, ...]:
        """The same paragraphs with one swapped for another of the language (a near copy, an edit)."""
        pool = self.by_language[language]
        at, other = int(rng.integers(len(paragraphs))), int(rng.choice(pool))
        return paragraphs[:at] + (other,) + paragraphs[at + 1:]

    def compose(self, language: str, paragraphs: tuple[int, ...]) -> SyntheticText:
        parts = [self.paragraphs[i] for i in paragraphs]
        text = "\n\n".join(p.text for p in parts)
        normalized = " ".join(p.normalized for p in parts)
        signature = self.signatures[list(paragraphs)].min(axis=0)
        raw = signature.tobytes()
        band_keys = tuple(int.from_bytes(hashlib.blake2b(raw[b * ROWS * 4:(b + 1) * ROWS * 4], digest_size=8,
                                                    person=_PERSON[b]).digest(), "little", signed=True)
                     for b in range(BANDS))
        anchor_keys = [k for p in parts for k in p.anchor_keys]
        surfaces = [s for p in parts for s in p.anchor_surfaces]
        first_surface = dict(zip(reversed(anchor_keys), reversed(surfaces)))  # the last write wins: the first seen
        ordered = tuple(dict.fromkeys(anchor_keys))
        return SyntheticText(
            text=text, title=" ".join(parts[0].text.split(maxsplit=10)[:10]).rstrip(".,;:"),
            language=language, paragraphs=paragraphs,
            normalized_sha256=hashlib.sha256(normalized.encode("utf-8")).hexdigest(),
            content_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            minhash=raw, band_keys=band_keys,
            shingle_count=sum(p.shingles for p in parts) + (SHINGLE_WORDS - 1) * (len(parts) - 1),
            word_count=sum(p.tokens for p in parts), anchor_keys=ordered,
            anchor_surfaces=tuple(first_surface[k] for k in ordered))


@cache
def pool(served: int = 100) -> ParagraphPool:
    return ParagraphPool(source_texts(served))


@dataclass(frozen=True, slots=True)
class Fidelity:
    texts: int
    mean_jaccard: float       # estimated Jaccard of the derived signature against fingerprint()'s
    band_keys_equal: float    # share of LSH band keys equal to fingerprint()'s
    exact_key_equal: float    # share of normalised-text hashes equal
    anchor_jaccard: float     # mean Jaccard of the anchor key sets
    shingle_count_ratio: float


def fidelity(texts: list[SyntheticText]) -> Fidelity:
    """How close the derived fingerprints are to the project's ``fingerprint`` of the same texts."""
    jaccard, bands, exact, anchors, counts = [], [], [], [], []
    for synthetic in texts:
        real = fingerprint(synthetic.text)
        jaccard.append(estimated_jaccard(real.minhash, synthetic.minhash))
        bands.append(np.mean([a == b for a, b in zip(real.band_keys, synthetic.band_keys)]))
        exact.append(real.normalized_sha256 == synthetic.normalized_sha256)
        real_keys, our_keys = {a.key for a in real.anchors}, set(synthetic.anchor_keys)
        anchors.append(len(real_keys & our_keys) / max(1, len(real_keys | our_keys)))
        counts.append(synthetic.shingle_count / max(1, real.shingle_count))
    return Fidelity(len(texts), round(float(np.mean(jaccard)), 3), round(float(np.mean(bands)), 3),
                    round(float(np.mean(exact)), 3), round(float(np.mean(anchors)), 3), round(float(np.mean(counts)), 3))
