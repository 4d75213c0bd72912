"""Text -> Language with langdetect, made deterministic."""
from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from mediamon.records import Language

# langdetect draws random numbers while it detects; a fixed seed makes every answer repeatable.
DetectorFactory.seed = 0

UNDETERMINED = Language("und", 0.0, "langdetect")
_MIN_LETTERS = 20


def detect_language(text: str, sample_chars: int = 3000) -> Language:
    """The most probable language of ``text`` (a bounded sample of it), with its probability.

    Text with fewer than 20 letters is ``und``: langdetect's guess on it is noise.
    """
    sample = text[:sample_chars]
    if sum(ch.isalpha() for ch in sample) < _MIN_LETTERS:
        return UNDETERMINED
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return UNDETERMINED
    return Language(best.lang, round(float(best.prob), 6), "langdetect")
