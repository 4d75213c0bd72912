"""extractors.author answers exactly as trafilatura.metadata.extract_author, on real pages and on the
cases where its shortcut must step aside."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from trafilatura import metadata as page_metadata
from trafilatura.utils import load_html

import extractors.article  # noqa: F401 -- the parser set-up the pipeline parses with
from extractors import author
from extractors.decode import decode_html
from tests.conftest import SHARED, needs_shared

HELD_OUT = Path(__file__).resolve().parent.parent / "data" / "heldout_pages"
NEWS = SHARED / "corpus" / "news-tr-ru-uk"


def _tree(html: str | bytes):
    return load_html(decode_html(html.encode() if isinstance(html, str) else html, "text/html")[0])


def _same(tree) -> str | None:
    expected = page_metadata.extract_author(tree)
    assert author.extract_author(tree) == expected
    return expected


def test_transcribed_xpaths_are_the_installed_trafilaturas():
    # when they are not (another trafilatura), extract_author hands every page to trafilatura
    assert author.MATCHES_TRAFILATURA


def test_same_author_as_trafilatura_on_every_real_page(aeb_pages):
    needs_shared(NEWS)
    bodies = [page["html"] for page in aeb_pages.values()]
    bodies += [gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
               for p in sorted(NEWS.rglob("*.htm*"))]
    bodies += [p.read_bytes() for p in sorted(HELD_OUT.glob("*.html"))]
    trees = [tree for tree in map(_tree, bodies) if tree is not None]
    found = [_same(tree) for tree in trees]
    assert len(trees) > 200
    assert sum(1 for a in found if a) > 100  # most pages name an author somewhere


PAGE = "<html><head><title>t</title></head><body>{}<article><p>{}</p></article></body></html>"
TEXT = "The appeal was republished by many outlets in several languages. " * 5


@pytest.mark.parametrize("markup, expected", [
    ('<span class="author-name">Aysel Mammadova</span>', "Aysel Mammadova"),
    ('<author>Aysel Mammadova</author>', "Aysel Mammadova"),
    ('<p class="byline">By Ivan Petrenko</p>', "Ivan Petrenko"),
    ('<div id="post-author">Ivan Petrenko</div>', "Ivan Petrenko"),
    ('<h4 data-component="Byline">Ivan Petrenko</h4>', "Ivan Petrenko"),
    # the first XPath's match is too short (2 characters): the next one with a good text wins
    ('<a rel="author">Al</a><span class="writer">Ivan Petrenko</span>', "Ivan Petrenko"),
    # inside a comment section or a <figure>: deleted before the author XPaths run
    ('<div class="comments"><span class="author">Troll Account</span></div>', None),
    ('<figure><figcaption class="author">Photo Agency</figcaption></figure>', None),
    ('<section id="commentlist"><p class="byline">Commenter Name</p></section>'
     '<span class="author">Aysel Mammadova</span>', "Aysel Mammadova"),
    # the root element itself is never deleted
    ('<span itemprop="author">Aysel Mammadova</span>', "Aysel Mammadova"),
])
def test_same_author_as_trafilatura_on_small_pages(markup, expected):
    assert _same(_tree(PAGE.format(markup, TEXT))) == expected


@pytest.mark.parametrize("markup", [
    # a match holding an element the deletion removes: its text depends on how tails are joined
    '<div class="author">Aysel<time>2020</time>Mammadova</div>',
    '<div class="author">By <span class="date">today</span> Aysel Mammadova</div>',
    # a <rel> child: ``rel='me'`` compares its text, which the deletion may change
    '<a>Aysel Mammadova<rel>me</rel></a>',
])
def test_cases_the_shortcut_cannot_settle_go_to_trafilatura(markup, monkeypatch):
    tree = _tree(PAGE.format(markup, TEXT))
    expected = page_metadata.extract_author(tree)
    asked = []
    monkeypatch.setattr(author.page_metadata, "extract_author", lambda t: asked.append(t) or expected)
    assert author.extract_author(tree) == expected
    assert asked == [tree]


def test_another_trafilatura_gets_trafilaturas_own_function(monkeypatch):
    tree = _tree(PAGE.format('<span class="author">Aysel Mammadova</span>', TEXT))
    monkeypatch.setattr(author, "MATCHES_TRAFILATURA", False)
    monkeypatch.setattr(author.page_metadata, "extract_author", lambda t: "from trafilatura")
    assert author.extract_author(tree) == "from trafilatura"
