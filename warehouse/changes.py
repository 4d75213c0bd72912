"""What a check of a URL means for its stored article: a first sight, a new version, a takedown, or
nothing new. Pure functions of the check and of what is stored; ``warehouse.revisions`` reads and
writes the rows around them.

The stored text is never overwritten with less: a page that now redirects to another page (the
home page), answers 200 with an empty or error page, or answers 404/410/451 leaves the article as
it was (its fetch still points at its bytes in the raw archive) and logs an event instead.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from core.records import FetchResult, Outcome, Page
from core.revisit import TAKEN_DOWN, UrlState

REMOVED_STATUSES = frozenset({404, 410, 451})  # gone, gone for good, unavailable for legal reasons
STUB_MAX_WORDS = 100   # a re-fetch's text this short ...
STUB_SHARE = 0.2       # ... and under this share of the stored one is an error page, not an edit
SAME_ARTICLE = 0.5     # share of the shorter text's 3-word runs found in the other: still the article
NO_VERDICT = frozenset({Outcome.TIMEOUT, Outcome.CONNECTION_ERROR, Outcome.DNS_ERROR, Outcome.TLS_ERROR})


class ArticleEvent(StrEnum):
    """The closed vocabulary of ``article_events.event``."""

    FIRST_SEEN = "first_seen"            # its first article (live, from the web archive, or re-extracted)
    EDITED = "edited"                    # a re-fetch extracted another text: a new version
    TITLE_CHANGED = "title_changed"      # ... or another title (with the same text: a new version too)
    REMOVED = "removed"                  # had an article, now answers 404, 410 or 451
    REDIRECTED_AWAY = "redirected_away"  # had an article, now redirects to another page (the home page, ...)
    BLANKED = "blanked"                  # had an article, now answers 200 with an empty or error page
    RESTORED = "restored"                # serves its article again after one of the three above


@dataclass(frozen=True, slots=True)
class Attempt:
    """One fetch attempt of a batch, with the id its fetches row has and its outcome as recorded."""

    page: Page
    fetch_id: str
    outcome: Outcome  # ``empty_extraction`` for a page fetched ok without an article

    @property
    def fetch(self) -> FetchResult:
        return self.page.fetch

    @property
    def has_article(self) -> bool:
        return self.outcome == Outcome.OK and self.page.article is not None


@dataclass(frozen=True, slots=True)
class Check:
    """A URL's attempts in one batch: the last live one is the verdict; the web archive's, if it was asked."""

    url: str
    live: Attempt
    archived: Attempt | None = None
    replay: bool = False  # a stored page analysed again (reprocess): not a check of the URL


@dataclass(frozen=True, slots=True)
class Stored:
    """A URL's stored article (its documents row); ``text`` only when a check needs it."""

    doc_id: str
    content_sha256: str
    title: str | None
    final_url: str | None
    word_count: int
    version: int
    version_fetched_at: datetime
    version_run_id: str
    words_added: int | None
    words_removed: int | None
    title_changed: bool | None
    text: str | None = None
    row: int | None = None   # its rowid in ``documents``, where its text and the rest of its row are read


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check found: the URL's state (None: not a check), the attempt whose article becomes the
    stored one (None: the stored one stays), the events, and whether the article changed."""

    state: UrlState | None
    keep: Attempt | None = None
    events: tuple[tuple[ArticleEvent, str], ...] = ()
    changed: bool = False
    in_place: bool = False  # a replay: the current version re-extracted, not a new one
    words: tuple[int, int] | None = None  # (added, removed) when the text changed


def judge(check: Check, stored: Stored | None, prior: UrlState) -> Finding:
    """What ``check`` means for the URL whose article is ``stored`` and whose last state was ``prior``."""
    live = check.live
    if check.replay:
        return _replayed(live, stored)
    if live.outcome == Outcome.INVALID_URL:
        return Finding(UrlState.INVALID)
    if stored is None:
        return _first(check)
    if live.has_article:
        return _answered(live, stored, prior)
    if live.outcome == Outcome.NOT_MODIFIED:
        return _back(prior) if prior in TAKEN_DOWN else Finding(UrlState.LIVE)
    return _failed(live, stored, prior)


def _replayed(live: Attempt, stored: Stored | None) -> Finding:
    if not live.has_article:
        return Finding(None)
    if stored is None:
        return Finding(None, live, ((ArticleEvent.FIRST_SEEN, "re-extracted from the raw archive"),), True)
    return Finding(None, live, in_place=True)


def _first(check: Check) -> Finding:
    """A URL with no stored article: its first one, live or from the web archive, or still none."""
    live, archived = check.live, check.archived
    if live.has_article:
        return Finding(UrlState.LIVE, live, ((ArticleEvent.FIRST_SEEN, _words(live)),), True)
    if archived is not None and archived.has_article:
        captured = archived.fetch.snapshot_at
        detail = f"from the web archive (captured {captured:%Y-%m-%d})" if captured else "from the web archive"
        return Finding(UrlState.FAILING, archived, ((ArticleEvent.FIRST_SEEN, f"{detail}, {_words(archived)}"),))
    return Finding(UrlState.FAILING)


def _answered(live: Attempt, stored: Stored, prior: UrlState) -> Finding:
    """A page with an article where one is stored: the same, a new version, or not the article at all."""
    page = live.page
    elsewhere, stub = lands_elsewhere(stored, live), is_stub(len(page.article.text.split()), stored.word_count)
    if (elsewhere or stub) and prior == UrlState.FAILING:  # the article is a web archive copy: nothing to take down
        return Finding(UrlState.FAILING)
    if elsewhere:
        return _down(UrlState.REDIRECTED_AWAY, prior, f"redirects to {live.fetch.final_url}")
    if stub:
        found = page.article.text.split()
        return _down(UrlState.BLANKED, prior,
                     f"200 with {len(found)} words in place of {stored.word_count}: {' '.join(found[:20])}")
    events, words = [], None
    if prior in TAKEN_DOWN:
        events.append((ArticleEvent.RESTORED, f"was {prior}"))
    if page.content_sha256 != stored.content_sha256:
        words = word_changes(stored.text or "", page.article.text)
        if body(stored.text or "", stored.title) != body(page.article.text, page.article.title):
            events.append((ArticleEvent.EDITED, f"+{words[0]} -{words[1]} words"))
    if (page.article.title or None) != (stored.title or None):
        events.append((ArticleEvent.TITLE_CHANGED, f"{stored.title!r} -> {page.article.title!r}"))
    return Finding(UrlState.LIVE, live, tuple(events), changed=bool(events), words=words)


def _failed(live: Attempt, stored: Stored, prior: UrlState) -> Finding:
    """A failed check of a URL whose article is stored: a takedown, or no verdict (the article stays)."""
    fetch = live.fetch
    if prior == UrlState.FAILING:  # its article came from the web archive: never seen live, nothing taken down
        return Finding(UrlState.FAILING)
    if live.outcome == Outcome.HTTP_ERROR and fetch.http_status in REMOVED_STATUSES:
        moved = f" at {fetch.final_url}" if fetch.redirects else ""
        return _down(UrlState.REMOVED, prior, f"HTTP {fetch.http_status}{moved}")
    empty = live.outcome in (Outcome.EMPTY_EXTRACTION, Outcome.NOT_HTML)
    if empty and lands_elsewhere(stored, live):
        return _down(UrlState.REDIRECTED_AWAY, prior, f"redirects to {fetch.final_url} (no article there)")
    if empty and fetch.http_status == 200:
        return _down(UrlState.BLANKED, prior, f"200 with no article ({live.outcome})")
    # a timeout, a 5xx, a refused connection ...: no verdict on the article; a takedown stays one
    return Finding(prior if prior in TAKEN_DOWN else UrlState.UNREACHABLE)


def _down(state: UrlState, prior: UrlState, detail: str) -> Finding:
    """A takedown: logged when it starts (or turns into another kind), not again at every retry."""
    event = ArticleEvent(state.value)
    return Finding(state, events=() if prior == state else ((event, detail),))


def _back(prior: UrlState) -> Finding:
    return Finding(UrlState.LIVE, events=((ArticleEvent.RESTORED, f"was {prior}; not modified since"),),
                   changed=True)


def _words(attempt: Attempt) -> str:
    return f"{len(attempt.page.article.text.split())} words"


def lands_elsewhere(stored: Stored, live: Attempt) -> bool:
    """Whether the URL now redirects to another page than the stored article's: the site's root, or a
    page whose text is not the article's (an article moved to a new address is still the article)."""
    fetch = live.fetch
    if not fetch.redirects or not fetch.final_url:
        return False
    if page_key(fetch.final_url) == page_key(stored.final_url or fetch.url):
        return False
    if urlsplit(fetch.final_url).path.strip("/") == "":
        return True
    page = live.page
    if page.article is None:
        return True
    if page.content_sha256 == stored.content_sha256:
        return False
    return shared_share(stored.text or "", page.article.text) < SAME_ARTICLE


def page_key(url: str) -> tuple[str, str, str]:
    """What names a page, whatever the scheme, a leading ``www.`` or a trailing slash."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, parts.path.rstrip("/"), parts.query


def is_stub(words: int, stored_words: int) -> bool:
    """Whether a text of ``words`` words in place of one of ``stored_words`` is an error page."""
    return words < STUB_MAX_WORDS and words < STUB_SHARE * stored_words


def body(text: str, title: str | None) -> list[str]:
    """The text's lines but its headline (extraction often keeps it as the first line): a text that
    differs only there is a title-only edit."""
    headline = (title or "").strip()
    return [line.strip() for line in text.splitlines() if line.strip() and line.strip() != headline]


def word_changes(old: str, new: str) -> tuple[int, int]:
    """(words added, words removed) from ``old`` to ``new``, as multisets: a word moved is neither."""
    before, after = Counter(old.split()), Counter(new.split())
    return sum((after - before).values()), sum((before - after).values())


def shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = text.lower().split()
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))} if words else set()


def shared_share(a: str, b: str) -> float:
    """Share of the smaller text's 3-word runs found in the other (0 when either is empty): an edited
    article keeps most of them, another article on the same site few (they share words, not runs)."""
    first, second = shingles(a), shingles(b)
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def web_archive_answered(archived: Attempt | None) -> bool:
    """Whether the web archive gave a verdict (a capture, or none held): it is not asked again."""
    if archived is None or archived.outcome in NO_VERDICT:
        return False
    status = archived.fetch.http_status or 0
    return not (archived.outcome == Outcome.HTTP_ERROR and (status >= 500 or status == 429))
