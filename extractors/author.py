"""The page's author as ``trafilatura.metadata.extract_author`` finds it, in one pass over the tree.

trafilatura copies the whole tree, deletes from the copy what its discard XPaths match (comment
sections, sidebars, ``<time>``, ``<figure>``, ...), then tries three author XPaths in turn and takes
the first match whose text is 3 to 119 characters long. Those XPaths test class and id attributes
with EXSLT regular expressions, which lxml answers with a call into Python for every element: about
5 ms a page, two thirds of our metadata step on the pages whose meta tags name no author.

Here the same tests are plain Python on each element's attributes, evaluated once per element, and
nothing is copied: a match is skipped when it, or an ancestor, is one the discard XPaths would have
deleted. When the answer could depend on what the deletion does *inside* an element (a match holding
a deleted element, or a ``<rel>`` child, which one XPath reads), or when trafilatura's XPaths are not
the ones transcribed here (another version), trafilatura's own function answers. The answers are the
same on every page of the shared corpus (tests/extractors/test_author.py).
"""
from __future__ import annotations

import re

from lxml import etree
from trafilatura import metadata as page_metadata
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

# The XPaths transcribed below, as trafilatura 2.3 spells them (whitespace aside).
TRANSCRIBED = (
    "//*[self::a or self::address or self::div or self::link or self::p or self::span or self::strong]["
    "@rel='author' or @id='author' or @class='author' or @itemprop='author name' or rel='me' or "
    "@data-testid='AuthorCard' or @data-testid='AuthorURL' or re:test(@class, 'author-?name|AuthorName|authorName')]"
    "|//author",
    "//*[self::a or self::div or self::h3 or self::h4 or self::p or self::span]["
    "@class='byline' or @class='username' or @class='byl' or @class='BBL' or contains(@itemprop, 'author') or "
    "re:test(@id, 'author|zuozhe|bianji|xiaobian') or "
    "re:test(@class, 'author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name')]",
    "//*[contains(@data-component, 'Byline') or contains(@itemprop, 'author') or re:test(@id, '[Aa]uthor') or "
    "re:test(@class, '[Aa]uthor|screenname|writer|[Bb]yline')]",
    ".//*[self::a or self::div or self::section or self::span]["
    "@id='comments' or @class='comments' or @class='title' or @class='date' or "
    "re:test(@id, '^comments|comment-?list|ProductReviews') or "
    "re:test(@class, '^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    "article-(?:share|support)|print|category|meta-date|meta-reviewer') or contains(@data-component, 'Figure')]",
    "//time|//figure",
)


def _spelled(xpath: str) -> str:
    return re.sub(r"\s+", " ", xpath).replace("[ ", "[").replace(" ]", "]").strip()


MATCHES_TRAFILATURA = tuple(_spelled(x.path) for x in (*AUTHOR_XPATHS, *AUTHOR_DISCARD_XPATHS)) == tuple(
    _spelled(x) for x in TRANSCRIBED)

_FIRST_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_FIRST_CLASS = re.compile(r"author-?name|AuthorName|authorName")
_SECOND_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_SECOND_CLASSES = frozenset({"byline", "username", "byl", "BBL"})
_SECOND_ID = re.compile(r"author|zuozhe|bianji|xiaobian")
_SECOND_CLASS = re.compile(r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
_THIRD_ID = re.compile(r"[Aa]uthor")
_THIRD_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")
_DISCARD_TAGS = frozenset({"a", "div", "section", "span"})
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
                            r"article-(?:share|support)|print|category|meta-date|meta-reviewer")
# any of the class (id) patterns above: most attributes match none, and one search tells
_ANY_CLASS = re.compile("|".join(p.pattern for p in (_FIRST_CLASS, _SECOND_CLASS, _THIRD_CLASS, _DISCARD_CLASS)))
_ANY_ID = re.compile("|".join(p.pattern for p in (_SECOND_ID, _THIRD_ID, _DISCARD_ID)))
_BARE_TAGS_THAT_MATCH = frozenset({"author", "time", "figure"})  # the only matches without an attribute


class _Undecided(Exception):
    """The fast path cannot tell the answer for sure: trafilatura's own function decides."""


def _matches(tag: str, attrs: dict[str, str]) -> tuple[bool, bool, bool, bool]:
    """Whether an element with this tag and these attributes matches each of the three author XPaths'
    conditions, and the discard XPaths' (``rel='me'`` aside: see ``_found``)."""
    cls, ident = attrs.get("class"), attrs.get("id")
    itemprop, component = attrs.get("itemprop", ""), attrs.get("data-component", "")
    # the values worth each pattern's search (None: no pattern can match, the searches are skipped)
    cls_searched = cls if cls is not None and _ANY_CLASS.search(cls) is not None else None
    ident_searched = ident if ident is not None and _ANY_ID.search(ident) is not None else None
    class_first = cls_searched is not None and _FIRST_CLASS.search(cls_searched) is not None
    first = tag == "author" or (tag in _FIRST_TAGS and (
        attrs.get("rel") == "author" or ident == "author" or cls == "author" or itemprop == "author name"
        or attrs.get("data-testid") in ("AuthorCard", "AuthorURL") or class_first))
    second = tag in _SECOND_TAGS and (
        cls in _SECOND_CLASSES or "author" in itemprop
        or (ident_searched is not None and _SECOND_ID.search(ident_searched) is not None)
        or (cls_searched is not None and _SECOND_CLASS.search(cls_searched) is not None))
    third = ("Byline" in component or "author" in itemprop
             or (ident_searched is not None and _THIRD_ID.search(ident_searched) is not None)
             or (cls_searched is not None and _THIRD_CLASS.search(cls_searched) is not None))
    discard = tag in ("time", "figure") or (tag in _DISCARD_TAGS and (
        ident == "comments" or cls in ("comments", "title", "date")
        or (ident_searched is not None and _DISCARD_ID.search(ident_searched) is not None)
        or (cls_searched is not None and _DISCARD_CLASS.search(cls_searched) is not None)
        or "Figure" in component))
    return first, second, third, discard


_NO_ATTRIBUTES: dict[str, str] = {}


def _found(tree) -> str | None:
    """The first match's text, as trafilatura's ``extract_metainfo(pruned, AUTHOR_XPATHS, 120)``."""
    matches: tuple[list, list, list] = ([], [], [])
    discarded = set()
    for element in tree.iter(etree.Element):
        tag = element.tag
        if tag == "rel":  # ``rel='me'`` reads a child's text, which the deletion may change
            raise _Undecided
        if element.attrib:
            attrs = dict(element.attrib)
        elif tag in _BARE_TAGS_THAT_MATCH:
            attrs = _NO_ATTRIBUTES
        else:
            continue  # no attribute: only the tags above can match
        first, second, third, discard = _matches(tag, attrs)
        if discard and element is not tree:
            discarded.add(element)
        if first:
            matches[0].append(element)
        if second:
            matches[1].append(element)
        if third:
            matches[2].append(element)
    for found in matches:
        for element in found:
            if element in discarded or any(a in discarded for a in element.iterancestors()):
                continue  # deleted with its ancestor: not in the pruned tree
            if discarded and any(d in discarded for d in element.iterdescendants()):
                raise _Undecided  # its text in the pruned tree depends on how the deletion joins tails
            content = trim(" ".join(element.itertext()))
            if content and 2 < len(content) < 120:
                return content
    return None


def extract_author(tree) -> str | None:
    """``trafilatura.metadata.extract_author(tree)``, the same answer, without its copy and regex XPaths."""
    if not MATCHES_TRAFILATURA:
        return page_metadata.extract_author(tree)
    try:
        author = _found(tree)
    except _Undecided:
        return page_metadata.extract_author(tree)
    return page_metadata.normalize_authors(None, author) if author else None
