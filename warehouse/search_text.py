"""How article text and queries become search terms, the same way on both sides.

Tantivy's ``default`` tokenizer splits on anything that is not a letter or a digit (Unicode-aware),
drops tokens over 40 bytes and lower-cases; it neither stems nor folds accents, which suits
tr/ru/uk/az/en alike (no language is guessed, ş/ğ/ə/ё/ї stay letters of their own). Measured, it
gets three things wrong for these languages, so text is normalised first (``normalise``):

- Turkish and Azerbaijani ``İ`` lower-cases to ``i`` plus a combining dot, so ``İstanbul`` never
  matched ``istanbul``; and all-caps ``IĞDIR`` lower-cases to ``iğdir`` while ``Iğdır`` gives
  ``iğdır``. The dotted and dotless i are folded to ``i`` (``kır`` and ``kir`` then match each
  other: a loss of precision taken for recall, since case in these scripts decides the dot).
- Decomposed letters (``и`` + U+0306 instead of ``й``, found in copied text) split the word at the
  combining mark: text is composed (NFC) first, and combining marks left over (a stress accent over
  a Cyrillic vowel) are dropped.
- Invisible characters inside a word (soft hyphen, zero-width space and joiners) split it; the
  modifier-letter apostrophe U+02BC kept a Ukrainian word whole (``мʼясо``) where the ASCII one split
  it (``м'ясо``): invisible characters are removed and every apostrophe is made the ASCII one, so
  each word splits the same way (a query word that splits becomes a phrase, ``query_words``).
"""
from __future__ import annotations

import re
import unicodedata

import tantivy

TOKENIZER = "default"  # the index's tokenizer (tantivy's own); ``_QUERY_ANALYZER`` is the same pipeline
_QUERY_ANALYZER = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                   .filter(tantivy.Filter.remove_long(40)).filter(tantivy.Filter.lowercase()).build())

_FOLD = {
    "\u0130": "i", "\u0131": "i",                        # İ ı (Turkish, Azerbaijani)
    "\u02bc": "'", "\u2019": "'", "\u02bb": "'", "\u2018": "'", "\u0060": "'", "\u00b4": "'",  # apostrophes
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",  # invisible
}
# what is folded, and combining diacritics left with no composed letter (dropped): one pass over the text
_FOLDED = re.compile("[" + "".join(_FOLD) + "\u0300-\u036f]")
SNIPPET_CHARS = 160


def normalise(text: str) -> str:
    """``text`` as the index reads it (see the module's docstring); its words are the same words."""
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        text = _FOLDED.sub(lambda found: _FOLD.get(found.group(), ""), text)
    return text


def query_words(query: str) -> list[list[str]]:
    """The terms of each word of ``query`` (split on white space): one term, or several for a word
    the tokenizer splits (``Karabağ'da``, ``COVID-19``), searched as a phrase; words with no term
    (punctuation alone) are left out."""
    words = [_QUERY_ANALYZER.analyze(normalise(word)) for word in query.split()]
    return [terms for terms in words if terms]


def snippet(text: str | None) -> str:
    """The start of the text on one line, as the search results show it."""
    return " ".join((text or "")[: SNIPPET_CHARS * 4].split())[:SNIPPET_CHARS]
