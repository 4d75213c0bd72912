"""Bytes -> text for HTML: HTTP header charset, then the page's own declaration, then detection."""
from __future__ import annotations

import codecs
import re

import charset_normalizer

_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
_SNIFF_BYTES = 4096
_DETECT_BYTES = 200_000
# What servers send when nobody configured a charset: it says little about the page, so a
# different charset the page declares itself is believed first. (As in browsers, these labels
# decode as windows-1252.)
_SERVER_DEFAULTS = frozenset({"iso8859-1", "ascii", "cp1252"})
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

# Guessing an undeclared single-byte charset. General-purpose detection is weak on short Cyrillic
# and Turkish pages (it answers mac_cyrillic or cp1250), so the charsets of the outlets we follow
# are tried first, in this order (ties go to the earlier), and scored by how natural the text reads.
_LIKELY_CHARSETS = ("cp1251", "cp1254", "koi8_r", "koi8_u", "cp1252", "iso8859_9", "iso8859_5", "cp866",
                    "mac_cyrillic", "cp1250")
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґўәғҗқңөүһ"
_LATIN = "çğıöşüâîûäéèàáíóúñôêëßãõåæøœìò"
_NATURAL = frozenset(_CYRILLIC + _CYRILLIC.upper() + _LATIN + _LATIN.upper() + "İ«»—–„“”‘’…№°·\xa0")


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET_RE.search(content_type or "")
    return _known(match.group(1)) if match else None


def page_charset(body: bytes) -> str | None:
    """The charset the page declares in a ``<meta>`` (or an XML declaration), if Python knows it."""
    head = body[:_SNIFF_BYTES]
    match = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    return _known(match.group(1).decode("ascii", "ignore")) if match else None


def _declared_in_order(body: bytes, content_type: str | None) -> list[str]:
    header, page = header_charset(content_type), page_charset(body)
    order = [page, header] if header in _SERVER_DEFAULTS and page and page != header else [header, page]
    names = [("cp1252" if name in _SERVER_DEFAULTS else name) for name in order if name]
    return list(dict.fromkeys(names))


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode ``body`` and say which charset was used.

    A byte-order mark decides. Bytes that are valid UTF-8 (and not plain ASCII) are UTF-8 whatever
    the declarations say: mis-declared pages are common, and valid multi-byte UTF-8 does not happen
    by chance. Otherwise the first declared charset the bytes decode with (the header, unless it is
    a server default such as ISO-8859-1 and the page says otherwise; then the page's ``<meta>``);
    then detection (charset-normalizer); UTF-8 with replacement is the last resort.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, "replace"), name
    if body.isascii():
        return body.decode("ascii"), "ascii"
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for declared in _declared_in_order(body, content_type):
        if declared in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
            continue  # not UTF-8 bytes, and an HTML page in UTF-16 carries a BOM: the declaration is wrong
        try:
            return body.decode(declared), declared
        except UnicodeDecodeError:
            continue
    guessed = _guess_single_byte(body[:_DETECT_BYTES])
    if guessed:
        return body.decode(guessed, "replace"), guessed
    best = charset_normalizer.from_bytes(body[:_DETECT_BYTES]).best()
    if best is not None:
        return body.decode(best.encoding, "replace"), best.encoding
    return body.decode("utf-8", "replace"), "utf-8"


def _naturalness(text: str) -> tuple[int, int]:
    """(score, strange characters) of a decoding: natural letters count for it; characters outside
    the expected alphabets, case flips inside a word (``рОССИЯ``) and words mixing Latin and
    Cyrillic letters (``cafй``) against it."""
    good = strange = flips = mixed = 0
    previous = " "
    for char in text:
        if ord(char) > 127:
            if char in _NATURAL:
                good += 1
            else:
                strange += 1
        if previous.isalpha() and char.isalpha() and (ord(char) > 127 or ord(previous) > 127):
            flips += previous.islower() and char.isupper()
            mixed += _is_cyrillic(previous) != _is_cyrillic(char)
        previous = char
    return good - 3 * strange - 2 * flips - 3 * mixed, strange


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff"


def _guess_single_byte(body: bytes) -> str | None:
    """The likeliest of the outlets' single-byte charsets, or None when none reads naturally."""
    best_name, best_score = None, 0
    allowed_strange = max(2, sum(1 for byte in body if byte > 127) // 50)
    for name in _LIKELY_CHARSETS:
        try:
            text = body.decode(name)
        except UnicodeDecodeError:
            continue
        score, strange = _naturalness(text)
        if score > best_score and strange <= allowed_strange:
            best_name, best_score = name, score
    return best_name
