from extractors.article import EXTRACTOR, extract_article
from testkit.loopback import html_page


def test_extracts_text_and_metadata_from_a_real_page(aeb_pages):
    key, page = next(iter(sorted(aeb_pages.items())))
    article = extract_article(page["html"], page["url"], "text/html; charset=utf-8")
    assert article is not None
    assert len(article.text.split()) > 100
    assert article.title
    assert article.extractor == EXTRACTOR and EXTRACTOR.startswith("trafilatura ")
    # the text is the article: most of the ground truth's words are in it
    truth_words = set(page["articleBody"].split())
    assert len(truth_words & set(article.text.split())) > 0.8 * len(truth_words)


def test_metadata_fields():
    html = (b'<html><head><title>Headline here</title><meta name="author" content="Aysel Mammadova">'
            b'<meta property="og:site_name" content="Example News">'
            b'<meta property="article:published_time" content="2020-05-21T10:00:00+00:00"></head><body><article>'
            + b"<p>" + b"The appeal was republished by many outlets in several languages. " * 20 + b"</p>"
            + b"</article></body></html>")
    article = extract_article(html, "https://news.example.com/a/1", "text/html")
    assert article.title == "Headline here"
    assert article.author == "Aysel Mammadova"
    assert article.sitename == "Example News"
    assert article.published_at == "2020-05-21"


def test_pages_without_an_article_give_none():
    assert extract_article(b"", "http://x.example/") is None
    assert extract_article(bytes(range(256)) * 40, "http://x.example/") is None
    assert extract_article(b"<html><body><script>render()</script></body></html>", "http://x.example/") is None


def test_single_byte_charset_is_decoded_before_extraction():
    paragraphs = ["Азербайджанцы России выступили с обращением к международному сообществу. " * 4] * 3
    body = html_page("Обращение", paragraphs, lang="ru", charset="windows-1251")
    article = extract_article(body, "http://x.example/ru", "text/html")
    assert "Азербайджанцы России" in article.text


def test_metadata_equals_trafilaturas_own_on_real_pages(aeb_pages):
    """extract_article reads title, author, date and site name with trafilatura's own steps, minus
    categories, tags and licence: each field must equal what trafilatura's metadata pass finds."""
    import trafilatura

    from extractors.article import _DATE_SEARCH
    from extractors.decode import decode_html

    compared = 0
    for key, page in sorted(aeb_pages.items())[::6]:
        article = extract_article(page["html"], page["url"], "text/html")
        html, _ = decode_html(page["html"], "text/html")
        reference = trafilatura.bare_extraction(html, url=page["url"], with_metadata=True, fast=True,
                                                include_comments=False, date_extraction_params=_DATE_SEARCH)
        assert article is not None and reference is not None, key
        assert (article.title, article.author, article.published_at, article.sitename) == (
            reference.title or None, reference.author or None, reference.date or None, reference.sitename or None), key
        assert article.text == reference.text.strip(), key
        compared += 1
    assert compared >= 30


def test_the_fast_element_lookup_changes_nothing(aeb_pages):
    """extractors.article gives trafilatura's parser lxml's C-level class lookup: on real pages the
    articles must equal those read with lxml.html's own lookup."""
    from lxml import html as lxml_html
    from trafilatura.utils import HTML_PARSER

    from extractors.article import FAST_CLASS_LOOKUP

    sample = sorted(aeb_pages.items())[::5]
    fast = [extract_article(page["html"], page["url"], "text/html") for _, page in sample]
    HTML_PARSER.set_element_class_lookup(lxml_html.HtmlElementClassLookup())
    try:
        stock = [extract_article(page["html"], page["url"], "text/html") for _, page in sample]
    finally:
        HTML_PARSER.set_element_class_lookup(FAST_CLASS_LOOKUP)
    assert len(sample) >= 36 and all(article is not None for article in fast)
    assert fast == stock
