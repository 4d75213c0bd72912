"""extractors.langdetect_fast answers exactly what langdetect itself answers (seeded), on real text."""
from pathlib import Path

import langdetect
import pytest
from langdetect import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from extractors.langdetect_fast import SEED, detect_langs

LANGID = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "langid"

# every branch of langdetect's character normalisation, runs of capitals, URLs, e-mail addresses
SCRIPTS = [
    "The diaspora organisations strongly protest against the so-called elections in the region.",
    "Азербайджанцы России выступили с обращением с целью недопущения инаугурации.",
    "Ermenistan işgalindeki Dağlık Karabağ'da yapılan seçimlere tepki gösterildi.",
    "Azərbaycan Respublikasının Prezidenti bu gün paytaxtda xarici qonaqları qəbul edib.",
    "Қазақстан Республикасының Президенті бүгін Астанада шетелдік қонақтарды қабылдады.",
    "Українська діаспора висловила протест проти так званих виборів у регіоні.",
    "Tiếng Việt có dấu: Nguyễn Trãi viết Bình Ngô đại cáo",  # precomposed
    "Tie\u0302\u0301ng Vie\u0323\u0302t co\u0301 da\u0302\u0301u",  # combining marks
    "ひらがなとカタカナ、そして漢字で書かれた日本語の文章です。",
    "中华人民共和国国务院今天发布了新的经济政策。",
    "대한민국 정부는 오늘 새로운 정책을 발표했습니다.",
    "این یک متن فارسی است که در آن یای فارسی ی آمده است",
    "Știri din România: țara și oamenii ei",
    "NATO and the OSCE Minsk Group: THE CO-CHAIRS MET IN VIENNA on Monday",
    "Read more at https://example.org/news?id=5 or write to press@example.org — «цитата» … ¡Hola!",
]


def _stock(text: str):
    DetectorFactory.seed = SEED
    try:
        return [(found.lang, found.prob) for found in langdetect.detect_langs(text)]
    except LangDetectException as exc:
        return f"error: {exc}"


def _fast(text: str):
    try:
        return [(found.lang, found.prob) for found in detect_langs(text)]
    except LangDetectException as exc:
        return f"error: {exc}"


def test_the_same_probabilities_to_the_last_bit_in_every_script():
    for text in SCRIPTS:
        assert _fast(text) == _stock(text), text
    assert _fast("12345 67 -- ()") == _stock("12345 67 -- ()") == "error: No features in text."


@pytest.mark.slow
def test_the_same_answers_on_third_party_sentences_words_and_word_pairs():
    if not LANGID.is_dir():
        pytest.skip(f"needs the labelled sentences at {LANGID} (../shared beside the checkout)")
    texts = []
    for path in sorted(LANGID.glob("*.txt")) + sorted(LANGID.glob("lingua_*/*.txt")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts += lines[:: max(1, len(lines) // 50)]  # about 50 a file, spread over it
    assert len(texts) > 1000
    different = [text for text in texts if _fast(text) != _stock(text)]
    assert different == []
