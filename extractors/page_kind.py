"""Pages that are not articles: bot challenges, consent walls and soft 404s served with status 200. Pure.

Each verdict needs the page's *structure* as well as its words, so that a real article that quotes
"page not found" or carries a cookie banner and a reCAPTCHA comment form stays an article:

- **soft 404**: the page's extracted text is (nearly all) found in what its host serves for an
  address that cannot exist (``NotFoundAnswer``, learnt once a run per host; any language, any
  wording): compared as word triples against that whole page, so it does not matter whether the
  extractor kept a scrap of the site's menu on one page and not the other; the address each page
  echoes ("nothing at /haber/...") is left out. Or the page redirected to where that host sends
  such addresses. Or, by its own signals: its title or first heading says "page not found" (tr,
  ru, uk, az, en) and it holds little text, or its short text says so (and ``<meta name=robots>``
  asks not to index it, or it is only a line); a bare "not found" is also a headline, so it counts
  only on a page of a line or so.
- **bot challenge**: a page with almost no text of its own that loads a challenge or captcha
  service, or whose script sets a cookie and loads the page again (in any language), or whose few
  words (title, text, ``<noscript>``) are a browser check ("checking your browser", "проверка
  браузера", "enable JavaScript and cookies", ...) while only scripts and forms are there.
  (A challenge header such as ``cf-mitigated: challenge`` is decided by the HTTP client.)
- **consent wall**: a short main text that is about cookies and consent sentence after sentence,
  with consent controls (accept/reject buttons in the page's language), a consent platform's
  markup or a consent address.

The checks cost nearly nothing on a real article: everything past the probe comparison runs only on
pages with fewer than ``SHORT_WORDS`` extracted words (benchmarks/page_kind_cost.py).
"""
from __future__ import annotations

import html as html_entities
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from core.records import Article, Outcome
from extractors import page_words as words
from extractors.decode import decode_html

SHORT_WORDS = 300        # more extracted words than this: an article, whatever else the page says
CHALLENGE_WORDS = 60     # visible words a challenge page may show
CONSENT_WORDS = 450      # main-text words a consent page may hold (vendor lists are long)
NOT_FOUND_WORDS = 60     # words of a page whose own text (not its title) says "not found"
OWN_TEXT_SHARE = 0.2     # at most this share of a page's word triples not in its host's not-found page
NOT_FOUND_TEXT_CHARS = 30_000  # of the not-found page's text kept (site chrome and the message)

_INVISIBLE = re.compile(r"<(script|style|noscript|template|svg)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_NOSCRIPT = re.compile(r"<noscript\b[^>]*>(.*?)</noscript\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
_FORM = re.compile(r"<form\b", re.IGNORECASE)
# the classic script challenge, whoever serves it: set a cookie, then load the page again
_SETS_COOKIE = re.compile(r"document\s*\.\s*cookie\s*=", re.IGNORECASE)
_RELOADS = re.compile(r"location\s*\.\s*(?:reload|replace|assign|href)\b|location\s*=[^=]", re.IGNORECASE)
_ROBOTS = re.compile(r"<meta\b[^>]*\bname\s*=\s*[\"']?(?:robots|googlebot)\b[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"<button\b[^>]*>(.*?)</button\s*>|<input\b[^>]*\bvalue\s*=\s*[\"']([^\"']*)|"
                      r"<a\b[^>]*role\s*=\s*[\"']?button[^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_SENTENCE = re.compile(r"[.!?…\n]+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class NotArticle:
    """A page that is not an article: which kind (an Outcome) and the evidence (for ``fetches.error``)."""

    outcome: Outcome
    reason: str


@dataclass(frozen=True, slots=True)
class NotFoundAnswer:
    """What a host served (status 2xx) for an address beside a page that cannot exist (fetch.probe)."""

    probe_url: str
    final_url: str       # where the probe ended, after redirects
    text: str | None     # the whole page's visible text (``page_text``): chrome and message


def page_text(body: bytes, content_type: str | None) -> str:
    """A page's visible text, all of it (menus and footers too), in its first NOT_FOUND_TEXT_CHARS."""
    return _plain(_INVISIBLE.sub(" ", decode_html(body, content_type)[0]))[:NOT_FOUND_TEXT_CHARS]


def landed_on_not_found(final_url: str, redirected: bool, answer: NotFoundAnswer | None) -> NotArticle | None:
    """A page that redirected to where its host sends addresses that cannot exist: the home page, or
    a not-found or search page whose query names the address (``/404?from=...``, ``/ara?q=...``)."""
    if answer is None or not redirected or answer.final_url == answer.probe_url:
        return None
    if _without_query(final_url) != _without_query(answer.final_url):
        return None
    return NotArticle(Outcome.SOFT_404, f"redirected to {final_url}, where this host also sends {answer.probe_url}")


def _without_query(url: str) -> str:
    return url.split("#")[0].split("?")[0].rstrip("/")


def page_kind(body: bytes, url: str, content_type: str | None, article: Article | None,
              not_found: NotFoundAnswer | None = None) -> NotArticle | None:
    """Whether the page in ``body`` (at ``url``, extracted as ``article``) is a challenge, a consent
    wall or a soft 404 rather than an article; None when nothing says so."""
    text = article.text if article else ""
    same = _same_as_not_found(text, url, not_found)
    extracted = len(text.split())
    if extracted >= CONSENT_WORDS or (extracted >= SHORT_WORDS and not _mostly_consent(text, CONSENT_WORDS)):
        return same
    page = _Page(decode_html(body, content_type)[0], text, article.title if article else None)
    # a host that challenges every request challenges its probe too: the page's own kind comes first
    return _challenge(page) or _consent_wall(page, url) or same or _soft_404(page)


class _Page:
    """What the checks read of a short page, each part computed once when first asked for."""

    def __init__(self, html: str, text: str, title: str | None) -> None:
        self.html, self.text, self.extracted_title = html, text, title
        self.text_words = len(text.split())
        self._visible: str | None = None

    @property
    def visible(self) -> str:
        if self._visible is None:
            self._visible = _plain(_INVISIBLE.sub(" ", self.html))
        return self._visible

    def headings(self) -> list[str]:
        found = [_plain(m) for m in _TITLE.findall(self.html[:200_000])[:1]]
        found += [_plain(m) for m in _H1.findall(self.html)[:2]]
        return [h for h in found + [self.extracted_title or ""] if h]

    def noscript(self) -> str:
        return " ".join(_plain(m) for m in _NOSCRIPT.findall(self.html))

    def noindex(self) -> bool:
        return any("noindex" in tag.lower() for tag in _ROBOTS.findall(self.html[:200_000]))


def _challenge(page: _Page) -> NotArticle | None:
    if page.text_words > CHALLENGE_WORDS:
        return None
    visible = len(_WORD.findall(page.visible))
    if visible > CHALLENGE_WORDS:
        return None
    marker = words.CHALLENGE_MARKUP.search(page.html)
    if marker:
        return NotArticle(Outcome.BOT_CHALLENGE, f"challenge markup {marker.group(0)!r}; {visible} words of text")
    if not (_SCRIPT.search(page.html) or _FORM.search(page.html)):
        return None
    if _SETS_COOKIE.search(page.html) and _RELOADS.search(page.html):
        return NotArticle(Outcome.BOT_CHALLENGE, f"a script sets a cookie and loads the page again; {visible} words "
                                                 "of text")
    said = " ".join([*page.headings(), page.visible, page.noscript()])
    phrase = words.CHALLENGE_TEXT.search(words.fold(said))
    if phrase:
        return NotArticle(Outcome.BOT_CHALLENGE, f"says {phrase.group(0)!r} with {visible} words of text, "
                                                 "the rest scripts and forms")
    return None


def _consent_wall(page: _Page, url: str) -> NotArticle | None:
    main = page.text or page.visible
    if not _mostly_consent(main, CONSENT_WORDS):
        return None
    control = next((c for c in (_control_words(page.html), _markup(page.html), _address(url)) if c), None)
    if control is None:
        return None
    return NotArticle(Outcome.CONSENT_WALL, f"its text is about consent ({_consent_share(main):.0%} of sentences), "
                                            f"with {control}")


def _soft_404(page: _Page) -> NotArticle | None:
    """By the page's own signals: its title or first heading, or the opening of its short text."""
    words_of_text = page.text_words if page.text else len(_WORD.findall(page.visible))
    tiny = words_of_text < NOT_FOUND_WORDS // 4 or (words_of_text < NOT_FOUND_WORDS and page.noindex())
    for heading in page.headings():
        folded = words.fold(heading)
        said = words.PAGE_NOT_FOUND.search(folded) or words.STATUS_TITLE.search(heading)
        said = said or (words.NOT_FOUND.search(folded) if tiny else None)  # "X not found" is also a headline
        if said:
            return NotArticle(Outcome.SOFT_404, f"its title says {said.group(0).strip()!r}; {words_of_text} words")
    opening = words.fold((page.text or page.visible)[:300])
    said = words.PAGE_NOT_FOUND.search(opening) if words_of_text < NOT_FOUND_WORDS else None
    said = said or (words.NOT_FOUND.search(opening) if tiny else None)
    if said:
        return NotArticle(Outcome.SOFT_404, f"its text says {said.group(0)!r}; {words_of_text} words"
                                            f"{', noindex' if page.noindex() else ''}")
    return None


def _same_as_not_found(text: str, url: str, answer: NotFoundAnswer | None) -> NotArticle | None:
    """A page whose extracted text is nearly all in its host's not-found page."""
    if answer is None or not answer.text or not text or answer.final_url != answer.probe_url:
        return None  # a probe that was redirected: landed_on_not_found compares where pages land
    if len(text.split()) > 1.25 * len(answer.text.split()) + 20:
        return None  # more text than the whole not-found page: it cannot be in it
    noise = _url_words(url) | _url_words(answer.probe_url)
    mine = _triples(text, frozenset(noise))
    if not mine:
        return None
    theirs = _answer_triples(answer.text, _url_words(answer.probe_url), len(next(iter(mine))) == 1)
    own = len(mine - theirs) / len(mine)
    if own > OWN_TEXT_SHARE:
        return None
    return NotArticle(Outcome.SOFT_404, f"{1 - own:.0%} of its text is in this host's answer for {answer.probe_url}")


def _mostly_consent(text: str, most_words: int) -> bool:
    """A text of at most ``most_words`` words, at least half its sentences about cookies and consent."""
    if not text or len(text.split()) > most_words:
        return False
    folded = words.fold(text)
    return len(words.CONSENT_TERMS.findall(folded)) >= 3 and _consent_share(text) >= 0.5


def _consent_share(text: str) -> float:
    sentences = [s for s in _SENTENCE.split(words.fold(text)) if _WORD.search(s)]
    if not sentences:
        return 0.0
    return sum(1 for s in sentences if words.CONSENT_TERMS.search(s)) / len(sentences)


def _control_words(html: str) -> str | None:
    for match in _CONTROL.finditer(html):
        label = _plain(next(g for g in match.groups() if g is not None))
        said = words.CONSENT_CONTROL.search(words.fold(label)) if len(label) < 80 else None
        if said:
            return f"a control {label!r}"
    return None


def _markup(html: str) -> str | None:
    found = words.CONSENT_MARKUP.search(html)
    return f"consent markup {found.group(0)!r}" if found else None


def _address(url: str) -> str | None:
    found = words.CONSENT_ADDRESS.search(url)
    return f"a consent address {url}" if found else None


def _plain(fragment: str) -> str:
    return " ".join(html_entities.unescape(_TAG.sub(" ", fragment)).split())


def _words_of(text: str) -> set[str]:
    return set(_WORD.findall(words.fold(text)))


def _triples(text: str, noise: frozenset[str], single: bool = False) -> frozenset[tuple[str, ...]]:
    """The text's word triples (single words for a text under three words), ``noise`` words left out."""
    tokens = [t for t in _WORD.findall(words.fold(text)) if t not in noise]
    if single or len(tokens) < 3:
        return frozenset((t,) for t in tokens)
    return frozenset(zip(tokens, tokens[1:], tokens[2:]))


# a host's not-found page is compared with each page of the host: its triples are computed once a worker
_answer_triples = lru_cache(maxsize=64)(_triples)


def _url_words(url: str) -> frozenset[str]:
    parts = urlsplit(url)
    return frozenset(_words_of(unquote(f"{parts.path} {parts.query}").replace("-", " ").replace("_", " ")))
