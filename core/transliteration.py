"""How a name written in any of the project's scripts is compared: one definition for the extractor
(which keys anchors on it) and for the comparison (which checks two spellings of one key).

Two levels of strictness:

- :func:`skeleton`, the consonant skeleton: loose on purpose, so that every transliteration of one
  name shares it (Khojaly, Hocalı, Ходжалы: ``KJl``). Anchor keys are built on its first three
  letters, which makes it an index key, not evidence: Calhoun and Kollegen share ``KlK``.
- :func:`phonetic_spelling` keeps the vowels and :func:`close_spellings` asks that two spellings agree
  on most of the shorter one from its start (an inflection or a suffix may differ: Оренбурга ~
  Orenburg, Qarabağda ~ Karabakh, Мадагізом ~ Madagiz). Unrelated words that share a skeleton
  rarely agree that far (Calhoun ~ Kollegen, County ~ Kontext, Fransa ~ Friendship do not).
"""
from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

TURKIC_LETTERS = frozenset("ışğəİŞĞƏ")
_TURKIC = str.maketrans({"ş": "sh", "Ş": "Sh", "ç": "ch", "Ç": "Ch", "c": "j", "C": "J", "ğ": "g", "Ğ": "G",
                         "ı": "i", "İ": "I", "ə": "a", "Ə": "A", "x": "kh", "X": "Kh"})
_SEQUENCES = (("shch", "S"), ("sch", "S"), ("dzh", "J"), ("tsh", "C"), ("tch", "C"), ("dj", "J"), ("zh", "J"),
              ("ch", "C"), ("sh", "S"), ("kh", "K"), ("gh", "K"), ("ts", "s"), ("ph", "f"), ("ck", "K"))
_CONSONANTS = str.maketrans({"k": "K", "q": "K", "g": "K", "h": "K", "j": "J", "w": "v", "x": "K"})
_NO_VOWELS = str.maketrans({"a": None, "e": None, "i": None, "o": None, "u": None, "y": None, "'": None})
_VOWELS = frozenset("aeiou")
_SOFT_VOWEL = re.compile(r"(?<=[bcdfgklmnprstvz])y(?=[aeiou])")   # Гянджа: gyandzha, Ganja
CLOSE_SHARE = 0.6     # of the shorter spelling that the two must share from their start
CLOSE_LETTERS = 4     # ... and at least this many letters (or the whole of a shorter spelling)


@lru_cache(maxsize=65536)
def to_ascii(word: str, turkic: bool) -> str:
    """``word`` in ASCII letters; ``turkic``: read it as Turkish or Azerbaijani (c = j, ş = sh, x = kh)."""
    return anyascii(word.translate(_TURKIC) if turkic else word)


def _phonetic(ascii_word: str) -> str:
    word = ascii_word.lower()
    word = re.sub(r"c(?=[eiy])", "s", word).replace("c", "k")
    for sequence, symbol in _SEQUENCES:
        word = word.replace(sequence, symbol)
    return word.translate(_CONSONANTS)


def skeleton(ascii_word: str) -> str:
    """A consonant skeleton on which transliterations of one name agree (Khojaly, Hocalı, Ходжалы: KJl)."""
    return re.sub(r"(.)\1+", r"\1", _phonetic(ascii_word).translate(_NO_VOWELS))


@lru_cache(maxsize=65536)
def phonetic_spelling(word: str, turkic: bool) -> str:
    """``word`` (in any script) as the skeleton's sounds with its vowels: Ходжалы, Hocalı, Khojaly: KoJali."""
    ascii_word = to_ascii(word, turkic).lower().replace("'", "")
    spelled = _phonetic(_SOFT_VOWEL.sub("", ascii_word)).replace("y", "i")
    return re.sub(r"(.)\1+", r"\1", spelled)


def spellings(word: str) -> set[str]:
    """The phonetic spellings ``word`` may have: a Latin word without a Turkic letter (Kocaeli) may
    still be Turkish or Azerbaijani, where ``c`` is ``j``; its text, not the word, would tell."""
    if any(ch in TURKIC_LETTERS for ch in word):
        return {phonetic_spelling(word, True)}
    if word.isascii():
        return {phonetic_spelling(word, False), phonetic_spelling(word, True)}
    return {phonetic_spelling(word, False)}


def _agreement(left: str, right: str) -> float:
    """How far two spellings agree from their start: letter by letter until a consonant differs (or
    a vowel meets a consonant); a vowel where the other has another vowel counts half (Ukrainian
    Нагірного ~ Russian Нагорного, Turkish Ermenistan ~ English Armenian)."""
    agreed = 0.0
    for x, y in zip(left, right):
        if x == y:
            agreed += 1
        elif x in _VOWELS and y in _VOWELS:
            agreed += 0.5
        else:
            break
    return agreed


def close_spellings(a: str, b: str) -> bool:
    """Whether two written forms are one name in two languages rather than two words sharing a skeleton:
    their phonetic spellings agree (``_agreement``) on ``CLOSE_SHARE`` of the shorter and on at least
    ``CLOSE_LETTERS`` letters (or on the whole of a shorter one)."""
    for left in spellings(a):
        for right in spellings(b):
            shorter = min(len(left), len(right))
            agreed = _agreement(left, right)
            if agreed >= min(CLOSE_LETTERS, shorter) and agreed >= CLOSE_SHARE * shorter:
                return True
    return False
