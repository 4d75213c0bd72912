"""The documented rule that turns two detectors' answers and the page's declaration into one label.

Pure: it sees only the detectors' answers, never the text. The thresholds were measured with
``python -m benchmarks.langid_eval`` on the third-party sentences of ../shared/corpus/langid and on
benchmarks/data/langid_news.tsv (never on the held-out pages of tests/data/heldout_pages).

The rule, in order (the first that applies decides; ``method`` names it):

1. ``too_short``: fewer than 20 letters in the sample: ``und``.
2. ``mixed``: the sample's paragraphs disagree: no language holds 60 % of the letters of the
   paragraphs langid reads one by one. ``und``; the score is the largest share. When one language
   does hold 60 %, the detectors read only its paragraphs (extractors.language.majority), and a
   decision for a language holding less than 60 % of the paragraphs is also ``mixed``.
3. ``agree``: langdetect and langid name the same language. Score: the lower of the two
   probabilities (both detectors are at least this sure).
4. ``langid``: langid names a language langdetect cannot output (Azerbaijani, Kazakh, Kyrgyz, …),
   with probability >= 0.5, and langdetect's answer is what it is known to say for that language
   (Turkish for Azerbaijani, Russian/Ukrainian/Bulgarian/Macedonian for Kazakh, …), or langdetect is
   itself unsure (< 0.9) or has nothing to say, and the sample's letters fit that language's
   alphabet (extractors.alphabets: Turkish mojibake is not Turkmen, Cyrillic Azerbaijani not
   Bashkir). Score: langid's probability.
5. ``declared``: the detectors disagree and the page declares a language (``<html lang>``, …) that
   one of them gives at least 0.1 and whose alphabet the sample fits. Score: that detector's
   probability. A declaration never beats two detectors that agree: site templates often say
   ``en`` whatever the article's language.
6. ``disputed``: the detectors disagree and nothing settles it: ``und``; score 0.

Finally the score is capped by the share of paragraph letters langid gives the chosen language
(when the sample has two paragraphs or more), so a label backed by only part of the text says so.
"""
from __future__ import annotations

from dataclasses import dataclass

UNDETERMINED = "und"

# Every language langdetect 1.0.9 can answer (its zh-cn/zh-tw are folded into zh).
LANGDETECT_LANGUAGES = frozenset(
    "af ar bg bn ca cs cy da de el en es et fa fi fr gu he hi hr hu id it ja kn ko lt lv mk ml mr ne nl no pa "
    "pl pt ro ru sk sl so sq sv sw ta te th tl tr uk ur vi zh".split())

# Languages langdetect lacks and an analyst of the Caucasus, Central Asia and Eastern Europe meets,
# with what langdetect says for their text (measured on the corpus; "*": its answer is noise,
# langdetect knows no language in that script).
CONFUSED_WITH: dict[str, frozenset[str] | None] = {
    "az": frozenset({"tr"}), "tk": frozenset({"tr"}), "uz": frozenset({"tr", "bg", "ru"}),
    "crh": frozenset({"tr"}),
    "kk": frozenset({"ru", "uk", "bg", "mk"}), "ky": frozenset({"ru", "uk", "bg", "mk"}),
    "tt": frozenset({"ru", "uk", "bg", "mk"}), "ba": frozenset({"ru", "uk", "bg", "mk"}),
    "tg": frozenset({"ru", "uk", "bg", "mk"}), "mn": frozenset({"ru", "uk", "bg", "mk"}),
    "be": frozenset({"ru", "uk", "bg", "mk"}), "sr": frozenset({"ru", "uk", "bg", "mk", "hr", "sl"}),
    "ug": frozenset({"ar", "fa", "ur"}),
    "hy": None, "ka": None,
}
SECOND_OPINION_ONLY = frozenset(CONFUSED_WITH)
# langid is constrained to these: langdetect's languages plus the ones it lacks above.
LANGID_LANGUAGES = LANGDETECT_LANGUAGES | SECOND_OPINION_ONLY

MIN_LETTERS = 20          # below this, any detector's answer is noise
MIXED_SHARE = 0.6         # a language must hold this share of paragraph letters, or the text is mixed
LANGID_MIN = 0.5          # langid's probability needed to name a language langdetect lacks
LANGDETECT_SURE = 0.9     # langdetect above this is "sure", even when it cannot name the language
DECLARED_SUPPORT = 0.1    # a declared language needs at least this much from one detector


@dataclass(frozen=True, slots=True)
class Guess:
    """One detector's probability for one language."""

    code: str
    score: float


@dataclass(frozen=True, slots=True)
class Decision:
    code: str
    score: float
    method: str


def _probability(ranking: tuple[Guess, ...], code: str) -> float:
    return next((g.score for g in ranking if g.code == code), 0.0)


def _langdetect_cannot_say(language: str, langdetect: Guess | None) -> bool:
    """True when langdetect's answer does not speak against ``language`` (which it cannot name)."""
    known = CONFUSED_WITH.get(language, frozenset())
    return langdetect is None or known is None or langdetect.code in known or langdetect.score < LANGDETECT_SURE


def decide(langdetect: tuple[Guess, ...], langid: tuple[Guess, ...], declared: str | None = None,
           letters: int = MIN_LETTERS, shares: dict[str, float] | None = None,
           misfits: frozenset[str] = frozenset()) -> Decision:
    """The final language from both detectors' rankings (best first), the page's declaration,
    the sample's letter count, the share of paragraph letters langid gives each language, and the
    languages whose alphabet the sample does not fit."""
    if letters < MIN_LETTERS or not langid:
        return Decision(UNDETERMINED, 0.0, "too_short")
    shares = shares or {}
    if shares and max(shares.values()) < MIXED_SHARE:
        return Decision(UNDETERMINED, round(max(shares.values()), 6), "mixed")
    decision = _by_detectors(langdetect[0] if langdetect else None, langid[0], langdetect, langid,
                             None if declared in misfits else declared, misfits)
    if decision.code != UNDETERMINED and shares:
        share = shares.get(decision.code, 0.0)
        if share < MIXED_SHARE:  # the detectors name a language most paragraphs are not in
            return Decision(UNDETERMINED, round(share, 6), "mixed")
        decision = Decision(decision.code, min(decision.score, share), decision.method)
    return Decision(decision.code, round(decision.score, 6), decision.method)


def _by_detectors(first: Guess | None, second: Guess, langdetect: tuple[Guess, ...], langid: tuple[Guess, ...],
                  declared: str | None, misfits: frozenset[str]) -> Decision:
    if first is not None and first.code == second.code:
        return Decision(second.code, min(first.score, second.score), "agree")
    if (second.code in SECOND_OPINION_ONLY and second.score >= LANGID_MIN and second.code not in misfits
            and _langdetect_cannot_say(second.code, first)):
        return Decision(second.code, second.score, "langid")
    if declared:
        support = max(_probability(langdetect, declared), _probability(langid, declared))
        if support >= DECLARED_SUPPORT:
            return Decision(declared, support, "declared")
    return Decision(UNDETERMINED, 0.0, "disputed")
