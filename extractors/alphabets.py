"""The alphabets of the languages only the second opinion knows: does a text's spelling fit a language?

langid reads bytes, so text with letters a language never uses can still score high for it:
Turkish in the wrong code page (``ý`` for ``ı``, ``þ`` for ``ş``) reads as Turkmen, Cyrillic-script
Azerbaijani (``ј``, ``ҹ``, ``ҝ``) as Bashkir. A language is only taken from langid when the sample's
letters fit its alphabet. Languages with a script of their own (hy, ka, ug) need no check.
"""
from __future__ import annotations

import unicodedata
from functools import cache

_RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"

# Lower-case letters of each alphabet. Cyrillic Turkic alphabets include the Russian letters (loanwords).
ALPHABETS: dict[str, str] = {
    "az": "abcçdeəfgğhxıijkqlmnoöprsştuüvyz",
    "tk": "abçdeäfghijžklmnňoöprsştuüwyýz",
    "crh": "abcçdefgğhıijklmnñoöpqrsştuüvyz",
    "uz": "abcdefghijklmnopqrstuvxyz" + _RUSSIAN + "ўқғҳ",  # Latin and Cyrillic Uzbek
    "kk": _RUSSIAN + "әғқңөұүһі",
    "ky": _RUSSIAN + "ңөү",
    "tt": _RUSSIAN + "әөүҗңһ",
    "ba": _RUSSIAN + "әөүғҡңҙҫһ",
    "tg": _RUSSIAN + "ғӣқӯҳҷ",
    "mn": _RUSSIAN + "өү",
    "be": "абвгґдеёжзійклмнопрстуўфхцчшыьэюя",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш" + "abcčćdđefghijklmnoprsštuvzž",  # Cyrillic and Latin
}
MAX_OUTSIDE = 0.02  # share of a script's letters outside the alphabet still taken as loanwords and names


def _script(letter: str) -> str:
    return unicodedata.name(letter, "UNKNOWN").split(" ", 1)[0]  # LATIN, CYRILLIC, ...


@cache
def _scripts(language: str) -> frozenset[str]:
    return frozenset(_script(letter) for letter in ALPHABETS[language])


def outside_share(text: str, language: str) -> float:
    """Share of the text's letters, in the scripts ``language`` is written in, that its alphabet lacks
    (0.0 for a language without a listed alphabet)."""
    alphabet = ALPHABETS.get(language)
    if alphabet is None:
        return 0.0
    scripts = _scripts(language)
    counted = outside = 0
    for char in text:
        if char.isalpha() and _script(char) in scripts:
            counted += 1
            outside += char.lower()[0] not in alphabet
    return outside / counted if counted else 0.0


def fits(text: str, language: str) -> bool:
    return outside_share(text, language) <= MAX_OUTSIDE
