"""Text -> anchors that survive translation, and how strongly shared anchors say "the same text".

Shingles never pair a text with its translation. What a translation keeps is its *anchors*:
proper names (transliterated to ASCII with anyascii, then keyed on a phonetic consonant skeleton
so that Orenburg, Оренбурга and Orenburq meet: ``core.transliteration``), acronyms, numbers and
dates (day and month in English, Turkish, Azerbaijani, Russian, Ukrainian or German, or written
in digits), in the order the text first writes them.

One shared anchor says little: articles on the same story share Karabakh, Azerbaijan and the
OSCE; unrelated pages share small numbers and years; a loose skeleton pairs Calhoun with Kollegen.
:func:`core.similarity.anchor_score` therefore counts only evidence chance rarely explains (dates,
acronyms, numbers of three or more significant digits, names both sides spell alike), requires
several such anchors in the same order on both sides, and weighs what they cover of the smaller
text. The result is a candidate with its evidence, never a certainty.
"""
from __future__ import annotations

import re
from functools import lru_cache

from core.records import Anchor
from core.transliteration import TURKIC_LETTERS, skeleton, to_ascii


_TOKEN_RE = re.compile(r"[^\W\d_]+|\d+")
_NUMERIC_DATE_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b|\b(\d{1,2})([./])(\d{1,2})\5(\d{4}|\d{2})\b")
_THOUSANDS_RE = re.compile(r"\b\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+\b(?![.,]?\d)")
_OPENERS = " \t\"'“”„«»‘’()[]-–—•*#"
_MONTHS = {  # ASCII forms (after transliteration) of month names, nominative and the usual cases
    1: ("january", "jan", "ojak", "yanvar", "yanvarya", "yanvarin", "sichen", "sichnya", "januar"),
    2: ("february", "feb", "shubat", "fevral", "fevralya", "fevralin", "lyutiy", "lyutyi", "lyutogo", "februar"),
    3: ("march", "mar", "mart", "marta", "martin", "berezen", "bereznya", "marz"),
    4: ("april", "apr", "nisan", "aprel", "aprelya", "aprelin", "kviten", "kvitnya"),
    5: ("may", "mayis", "maya", "mayin", "traven", "travnya", "mai"),
    6: ("june", "jun", "haziran", "iyun", "iyunya", "iyunun", "cherven", "chervnya", "juni"),
    7: ("july", "jul", "temmuz", "iyul", "iyulya", "iyulun", "lipen", "lipnya", "lypen", "lypnya", "juli"),
    8: ("august", "aug", "agustos", "avgust", "avgusta", "avqust", "avqustun", "serpen", "serpnya"),
    9: ("september", "sep", "sept", "eylul", "sentyabr", "sentyabrya", "sentyabrin", "veresen", "veresnya"),
    10: ("october", "oct", "ekim", "oktyabr", "oktyabrya", "oktyabrin", "zhovten", "zhovtnya", "jovten", "jovtnya",
         "oktober"),
    11: ("november", "nov", "kasim", "noyabr", "noyabrya", "noyabrin", "listopad", "listopada", "lystopad",
         "lystopada"),
    12: ("december", "dec", "aralik", "dekabr", "dekabrya", "dekabrin", "gruden", "grudnya", "hruden", "hrudnya",
         "dezember"),
}
_WEEKDAYS = frozenset(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))  # capitalised
# in English only: a translation writes them in lower case, so they are no names
_MONTH_OF = {form: month for month, forms in _MONTHS.items() for form in forms}


def _is_turkic(text: str) -> bool:
    """Turkish or Azerbaijani Latin orthography, where ``c`` sounds like English ``j``."""
    return sum(text.count(ch) for ch in TURKIC_LETTERS) >= 3


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


def _dates(text: str) -> tuple[list[tuple[int, Anchor]], str]:
    """Anchors for dates written in digits, at their offsets, and the text with them blanked out."""
    found: list[tuple[int, Anchor]] = []

    def blank(match: re.Match) -> str:
        if match.group(1):
            year, month, day = match.group(1), int(match.group(2)), int(match.group(3))
        else:
            first, second, year = int(match.group(4)), int(match.group(6)), match.group(7)
            day, month = (second, first) if match.group(5) == "/" and second > 12 else (first, second)
        if 1 <= month <= 12 and 1 <= day <= 31:
            found.append((match.start(), Anchor(f"d:{month:02d}-{day:02d}", match.group(0))))
            if len(year) == 4:
                found.append((match.start(), Anchor(f"y:{year}", year)))
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
    text = _THOUSANDS_RE.sub(lambda m: re.sub(r"\D", "", m.group(0)).ljust(len(m.group(0))), text)
    initial: list[tuple[int, Anchor]] = []
    offset = 0
    for line in text.split("\n"):
        if not _headline(line):
            _line_anchors(line, offset, turkic, found, initial)
        offset += len(line) + 1
    named = {anchor.key for _, anchor in found}
    found += [(at, anchor) for at, anchor in initial if anchor.key in named]  # a name seen mid-sentence too
    first: dict[str, Anchor] = {}
    for _, anchor in sorted(found, key=lambda item: item[0]):
        first.setdefault(anchor.key, anchor)
    return tuple(first.values())


def _line_anchors(line: str, offset: int, turkic: bool, found: list[tuple[int, Anchor]],
                  initial: list[tuple[int, Anchor]]) -> None:
    """Add the anchors of one line, at their offsets in the text, to ``found`` (or to ``initial``: a
    capitalised word that opens a sentence, a name only if the text also writes it mid-sentence)."""
    tokens = list(_TOKEN_RE.finditer(line))
    for i, match in enumerate(tokens):
        token, at = match.group(0), offset + match.start()
        if token.isdigit():
            found.extend((at, anchor) for anchor in _number_or_date(token, tokens, i, turkic))
            continue
        if not token[0].isupper() or _month_next_to_number(tokens, i, turkic):
            continue
        ascii_token = to_ascii(token, turkic)
        if token.isupper() and len(token) >= 2:
            if 3 <= len(ascii_token) <= 8:
                found.append((at, Anchor("a:" + re.sub(r"Y(?=[AEIOU])|(?<=I)E", "", ascii_token.upper()), token)))
            continue
        key = None if ascii_token.lower() in _WEEKDAYS else _name_key(ascii_token)
        if key is not None:
            (initial if _sentence_initial(line, match.start()) else found).append((at, Anchor(key, token)))


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
