"""Text -> Language: langdetect (seeded) with py3langid as a second opinion, decided by a documented rule.

langdetect knows 55 languages and not Azerbaijani, Kazakh or Kyrgyz (it says Turkish or Russian,
sure of it). py3langid (its model ships inside the package) knows them. Both read the same bounded
sample of the text (langdetect only its first ``LANGDETECT_CHARS``); ``extractors.language_rule.decide``
turns their answers, the page's declared language and how the sample's paragraphs split between
languages into one label, and the Language record keeps each detector's raw answer so an analyst
can audit it.
"""
from __future__ import annotations

import re
from functools import cache

from langdetect.lang_detect_exception import LangDetectException
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from extractors.alphabets import fits
from extractors.langdetect_fast import detect_langs  # langdetect's answers (seeded), computed faster
from extractors.language_rule import LANGID_LANGUAGES, MIN_LETTERS, Guess, decide
from core.records import Language

UNDETERMINED = Language("und", 0.0, "too_short")

_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?…。])\s+")
_CHUNK_LETTERS = 80       # a chunk: a paragraph, or a run of sentences of about this many letters
_CHUNK_MIN_LETTERS = 40   # shorter paragraphs (bylines, captions) do not count
# langdetect reads at most this much of the sample: its cost grows with the text (n-gram extraction
# in pure Python) and its answer does not change past a few hundred characters (README "Measured")
LANGDETECT_CHARS = 600


@cache
def _langid() -> LanguageIdentifier:
    """py3langid's bundled model (no download), normalised probabilities, constrained to our languages."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted(LANGID_LANGUAGES))
    return identifier


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def _code(langdetect_code: str) -> str:
    return "zh" if langdetect_code.startswith("zh") else langdetect_code


def langdetect_ranking(sample: str) -> tuple[Guess, ...]:
    """langdetect's languages for ``sample``, most probable first (empty when it finds no features)."""
    try:
        return tuple(Guess(_code(g.lang), float(g.prob)) for g in detect_langs(sample))
    except LangDetectException:
        return ()


def langid_ranking(sample: str, top: int = 5) -> tuple[Guess, ...]:
    """py3langid's ``top`` languages for ``sample`` with normalised probabilities."""
    return tuple(Guess(code, float(p)) for code, p in _langid().rank(sample)[:top])


def text_sample(text: str, sample_chars: int) -> str:
    """The first ``sample_chars`` characters, cut at a word boundary, without URLs and e-mail addresses."""
    sample = text[:sample_chars]
    if len(text) > sample_chars and " " in sample:
        sample = sample.rsplit(" ", 1)[0]
    return _URL_RE.sub(" ", sample)


def chunks(sample: str) -> list[str]:
    """The sample's paragraphs, long ones cut into runs of sentences of about 80 letters, short ones dropped."""
    found = []
    for paragraph in sample.splitlines():
        current, letters = "", 0
        for sentence in _SENTENCE_END_RE.split(paragraph.strip()):
            current, letters = f"{current} {sentence}".strip(), letters + _letters(sentence)
            if letters >= _CHUNK_LETTERS:
                found.append(current)
                current, letters = "", 0
        if letters >= _CHUNK_MIN_LETTERS:
            found.append(current)
        elif current and found:
            found[-1] = f"{found[-1]} {current}"
    return found


def majority(sample: str) -> tuple[str, dict[str, float]]:
    """The part of the sample in its main language, and the share of letters langid gives each language.

    langid reads each chunk alone; the shares are empty (and the sample whole) under two chunks. When
    some chunks are in another language, only the main language's chunks are returned, so that both
    detectors read one language (on a whole mixed sample langid weighs bytes: Cyrillic counts double).
    """
    parts = chunks(sample)
    if len(parts) < 2:
        return sample, {}
    labels = [_langid().classify(part)[0] for part in parts]
    letters: dict[str, int] = {}
    for part, code in zip(parts, labels):
        letters[code] = letters.get(code, 0) + _letters(part)
    total = sum(letters.values())
    shares = {code: count / total for code, count in letters.items()}
    main = max(shares, key=shares.__getitem__)
    if shares[main] < 1.0:
        sample = "\n".join(part for part, code in zip(parts, labels) if code == main)
    return sample, shares


def detect_language(text: str, sample_chars: int = 3000, declared: str | None = None) -> Language:
    """The language of ``text`` (a bounded sample of it), its score, the rule that decided, and
    each detector's raw answer. ``declared`` is the page's own claim (see extractors.page_language)."""
    sample = text_sample(text, sample_chars)
    letters = _letters(sample)
    if letters < MIN_LETTERS:
        return Language("und", 0.0, "too_short", declared=declared)
    sample, shares = majority(sample)
    by_langdetect = langdetect_ranking(text_sample(sample, LANGDETECT_CHARS))
    by_langid = langid_ranking(sample)
    misfits = frozenset(code for code in (by_langid[0].code, declared) if code and not fits(sample, code))
    decision = decide(by_langdetect, by_langid, declared, letters, shares, misfits)
    first = by_langdetect[0] if by_langdetect else None
    return Language(
        decision.code, decision.score, decision.method,
        langdetect_code=first.code if first else None,
        langdetect_score=round(first.score, 6) if first else None,
        langid_code=by_langid[0].code, langid_score=round(by_langid[0].score, 6),
        declared=declared,
    )
