"""Text -> anchors that survive translation, and how strongly shared anchors say "the same text".

Shingles never pair a text with its translation. What a translation keeps is its *anchors*:
proper names (transliterated to ASCII with anyascii, then reduced to a phonetic consonant
skeleton so that Orenburg, Оренбурга and Orenburq meet), acronyms, numbers and dates (day and
month in English, Turkish, Azerbaijani, Russian or Ukrainian, or written in digits).

One shared anchor says little: articles on the same story share Karabakh, Azerbaijan and the
OSCE. :func:`core.similarity.anchor_score` therefore weights each anchor by its kind and its rarity among stored
documents, requires several distinct shared anchors, and divides by the smaller text's anchor
weight, so that a pair scores high only when most of one text's anchors recur in the other.
The result is a candidate with its evidence, never a certainty.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from core.records import Anchor
from core.similarity import (EVIDENCE_SHOWN, KIND_WEIGHT, MIN_SCORE, MIN_SHARED, CrossLingualMatch,  # noqa: F401
                             anchor_score, anchor_weight)


_TURKIC_LETTERS = frozenset("ışğəİŞĞƏ")
_TURKIC = str.maketrans({"ş": "sh", "Ş": "Sh", "ç": "ch", "Ç": "Ch", "c": "j", "C": "J", "ğ": "g", "Ğ": "G",
                         "ı": "i", "İ": "I", "ə": "a", "Ə": "A", "x": "kh", "X": "Kh"})
_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
_NUMERIC_DATE_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b|\b(\d{1,2})([./])(\d{1,2})\5(\d{4}|\d{2})\b")
_THOUSANDS_RE = re.compile(r"\b\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+\b(?![.,]?\d)")
_OPENERS = " \t\"'“”„«»‘’()[]-–—•*#"
_SEQUENCES = (("shch", "S"), ("sch", "S"), ("dzh", "J"), ("tsh", "C"), ("tch", "C"), ("dj", "J"), ("zh", "J"),
              ("ch", "C"), ("sh", "S"), ("kh", "K"), ("gh", "K"), ("ts", "s"), ("ph", "f"), ("ck", "K"))
_SINGLE = str.maketrans({"k": "K", "q": "K", "g": "K", "h": "K", "j": "J", "w": "v", "x": "K",
                         "a": None, "e": None, "i": None, "o": None, "u": None, "y": None, "'": None})
_MONTHS = {  # ASCII forms (after transliteration) of month names, nominative and the usual cases
    1: ("january", "jan", "ojak", "yanvar", "yanvarya", "sichen", "sichnya"),
    2: ("february", "feb", "shubat", "fevral", "fevralya", "lyutiy", "lyutyi", "lyutogo"),
    3: ("march", "mar", "mart", "marta", "berezen", "bereznya"),
    4: ("april", "apr", "nisan", "aprel", "aprelya", "kviten", "kvitnya"),
    5: ("may", "mayis", "maya", "mayin", "traven", "travnya"),
    6: ("june", "jun", "haziran", "iyun", "iyunya", "cherven", "chervnya"),
    7: ("july", "jul", "temmuz", "iyul", "iyulya", "lipen", "lipnya", "lypen", "lypnya"),
    8: ("august", "aug", "agustos", "avgust", "avgusta", "avqust", "serpen", "serpnya"),
    9: ("september", "sep", "sept", "eylul", "sentyabr", "sentyabrya", "veresen", "veresnya"),
    10: ("october", "oct", "ekim", "oktyabr", "oktyabrya", "zhovten", "zhovtnya", "jovten", "jovtnya"),
    11: ("november", "nov", "kasim", "noyabr", "noyabrya", "listopad", "listopada", "lystopad", "lystopada"),
    12: ("december", "dec", "aralik", "dekabr", "dekabrya", "gruden", "grudnya", "hruden", "hrudnya"),
}
_MONTH_OF = {form: month for month, forms in _MONTHS.items() for form in forms}


def _is_turkic(text: str) -> bool:
    """Turkish or Azerbaijani Latin orthography, where ``c`` sounds like English ``j``."""
    return sum(text.count(ch) for ch in _TURKIC_LETTERS) >= 3


@lru_cache(maxsize=65536)
def to_ascii(word: str, turkic: bool) -> str:
    return anyascii(word.translate(_TURKIC) if turkic else word)


def skeleton(ascii_word: str) -> str:
    """A consonant skeleton on which transliterations of one name agree (Khojaly, Hocalı, Ходжалы: KJl)."""
    word = ascii_word.lower()
    word = re.sub(r"c(?=[eiy])", "s", word).replace("c", "k")
    for sequence, symbol in _SEQUENCES:
        word = word.replace(sequence, symbol)
    word = word.translate(_SINGLE)
    return re.sub(r"(.)\1+", r"\1", word)


def _sentence_initial(line: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence, a line or a list item (its capital says nothing)."""
    before = line[max(0, start - 16) : start].rstrip(_OPENERS)
    if not before and start > 16:
        before = line[:start].rstrip(_OPENERS)
    return not before or before[-1] in ".!?:" or before[-1].isdigit()


def _headline(line: str) -> bool:
    """A title-cased or shouted line: its capitals say nothing about names."""
    words = [w for w in _TOKEN_RE.findall(line) if not w.isdigit()]
    return len(words) >= 4 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _dates(text: str) -> tuple[list[Anchor], str]:
    """Anchors for dates written in digits, and the text with them blanked out."""
    found = []

    def blank(match: re.Match) -> str:
        if match.group(1):
            year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        else:
            first, second, year = int(match.group(4)), int(match.group(6)), match.group(7)
            day, month = (second, first) if match.group(5) == "/" and second > 12 else (first, second)
        if 1 <= month <= 12 and 1 <= day <= 31:
            found.append(Anchor(f"d:{month:02d}-{day:02d}", match.group(0)))
            if len(year) == 4:
                found.append(Anchor(f"y:{year}", year))
        return " " * len(match.group(0))

    return found, _NUMERIC_DATE_RE.sub(blank, text)


def _number_anchor(digits: str) -> Anchor | None:
    value = digits.lstrip("0") or "0"
    if len(value) == 4 and value[:2] in ("19", "20"):
        return Anchor(f"y:{value}", digits)
    return Anchor(f"#:{value}", digits) if len(value) >= 2 else None


def anchors(text: str) -> tuple[Anchor, ...]:
    """The distinct anchors of ``text`` in order of first appearance, each with its first spelling."""
    turkic = _is_turkic(text)
    found, text = _dates(text)
    text = _THOUSANDS_RE.sub(lambda m: re.sub(r"\D", "", m.group(0)), text)
    initial_keys: dict[str, str] = {}
    for line in text.split("\n"):
        if _headline(line):
            continue
        tokens = list(_TOKEN_RE.finditer(line))
        for i, match in enumerate(tokens):
            token = match.group(0)
            if token.isdigit():
                found.extend(_number_or_date(token, tokens, i, turkic))
                continue
            if not token[0].isupper() or _month_next_to_number(tokens, i, turkic):
                continue
            ascii_token = to_ascii(token, turkic)
            if token.isupper() and len(token) >= 2:
                if 3 <= len(ascii_token) <= 8:
                    found.append(Anchor("a:" + re.sub(r"Y(?=[AEIOU])|(?<=I)E", "", ascii_token.upper()), token))
                continue
            key = _name_key(ascii_token)
            if key is None:
                continue
            if _sentence_initial(line, match.start()):
                initial_keys.setdefault(key, token)
            else:
                found.append(Anchor(key, token))
    named = {a.key for a in found}
    found.extend(Anchor(k, t) for k, t in initial_keys.items() if k in named)  # a name seen mid-sentence too
    first: dict[str, Anchor] = {}
    for anchor in found:
        first.setdefault(anchor.key, anchor)
    return tuple(first.values())


@lru_cache(maxsize=65536)
def _name_key(ascii_token: str) -> str | None:
    bones = skeleton(ascii_token)
    if len(bones) < 3:
        return None
    return "n:" + ("V" if ascii_token[0].lower() in "aeiouy" else "") + bones[:3]


@lru_cache(maxsize=65536)
def _month(token: str, turkic: bool) -> int | None:
    return _MONTH_OF.get(to_ascii(token, turkic).lower().replace("'", ""))


def _month_next_to_number(tokens: list[re.Match], i: int, turkic: bool) -> bool:
    if _month(tokens[i].group(0), turkic) is None:
        return False
    return any(0 <= j < len(tokens) and tokens[j].group(0).isdigit() for j in (i - 1, i + 1))


def _number_or_date(token: str, tokens: list[re.Match], i: int, turkic: bool) -> list[Anchor]:
    day = int(token) if len(token) <= 2 else 0
    if 1 <= day <= 31:
        for j in (i + 1, i - 1):
            if 0 <= j < len(tokens):
                month = _month(tokens[j].group(0), turkic)
                if month:
                    words = sorted((i, j))
                    return [Anchor(f"d:{month:02d}-{day:02d}", " ".join(tokens[k].group(0) for k in words))]
    number = _number_anchor(token)
    return [number] if number else []
