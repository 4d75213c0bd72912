"""HTML -> the page's declared language."""
import gzip

import pytest

from extractors.page_language import declared_language, language_tag
from tests.conftest import SHARED, needs_shared

NEWS = SHARED / "corpus" / "news-tr-ru-uk"


@pytest.mark.parametrize("tag, code", [
    ("az", "az"), ("az-Latn-AZ", "az"), ("AZ_az", "az"), ("kk_KZ", "kk"), ("ky-KG", "ky"), ("en-GB", "en"),
    ("kz", "kk"), ("ua", "uk"), ("tr-TR, en", "tr"), ("crh", "crh"),
    ("", None), (None, None), ("x-default", None), ("und", None), ("zxx", None), ("1", None), ("english", None)])
def test_language_tags_become_primary_subtags(tag, code):
    assert language_tag(tag) == code


def test_html_lang_comes_first_then_content_language_then_og_locale():
    assert declared_language('<!doctype html><html class="no-js" lang="az"><head>') == "az"
    assert declared_language(b"<html xml:lang='ky'><head>") == "ky"
    meta = '<meta http-equiv="Content-Language" content="ru"><meta property="og:locale" content="kk_KZ">'
    assert declared_language(f"<html><head>{meta}</head>") == "ru"
    assert declared_language('<html><head><meta property="og:locale" content="kk_KZ"></head>') == "kk"
    assert declared_language('<html lang="x-default"><meta name="language" content="Turkish">') is None
    assert declared_language("<html><head><title>no claim</title></head></html>") is None
    assert declared_language("Азербайджан".encode("utf-8")) is None


def test_real_news_pages_declare_their_language():
    needs_shared(NEWS / "manifest.tsv")
    pages = {"tr/fundus_AnadoluAjansi_2025_04_05.html.gz": "tr", "uk/htmldate_1716869064.html": "uk",
             "ru/htmldate_1719330438.html": "ru", "ru/htmldate_1647262025.html": None}  # tass.ru declares nothing
    for name, code in pages.items():
        body = (NEWS / name).read_bytes()
        assert declared_language(gzip.decompress(body) if name.endswith(".gz") else body) == code, name
