"""A loopback news outlet whose articles change on a script, night by night (tests and benchmarks of
the revisit schedule: tests/engine/test_revisit_month.py, benchmarks/revisit_month.py).

Each article lives at ``/news/<i>`` with an ETag (a conditional GET of an unchanged page is answered
304). Before each night's run, ``outlet.night(n)`` applies the changes the script holds for night
``n``: an edit (a paragraph rewritten), a title-only edit, a removal (404 or 410), a redirect to the
home page, a blank page served with 200, a restoration (the article as it was before its removal).
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from testkit.loopback import LoopbackServer, Reply, html_page

EDIT, TITLE, REMOVE, REDIRECT, BLANK, RESTORE = "edit", "title", "remove", "redirect", "blank", "restore"
# the event each scripted change must leave in article_events
EVENT_OF = {EDIT: "edited", TITLE: "title_changed", REMOVE: "removed", REDIRECT: "redirected_away",
            BLANK: "blanked", RESTORE: "restored"}
WORDS = ["karabakh", "appeal", "diaspora", "election", "regime", "baku", "osce", "peace", "law", "community",
         "international", "statement", "ceasefire", "region", "shusha", "minsk", "group", "armenia", "council",
         "border", "talks", "envoy", "mediators", "refugees", "corridor", "summit"]

Script = dict[int, list[tuple[int, str]]]  # article index -> its changes, (night, change) in night order
Fate = Callable[[random.Random], list[tuple[int, str]]]


def scripted(articles: int, fates: list[tuple[int, Fate]], seed: int = 19) -> Script:
    """Give ``count`` articles (picked at random) each ``fate``, for every (count, fate); the rest never change."""
    rng = random.Random(seed)
    picked = iter(rng.sample(range(articles), sum(count for count, _ in fates)))
    return {next(picked): sorted(fate(rng)) for count, fate in fates for _ in range(count)}


def month_script(articles: int = 300) -> Script:
    """A month of 30 nights. mediamon checks an unchanged article on nights 1, 2, 4, 8, 16 (then 32),
    so every change falls on or before night 16, and each second change after the first one is seen."""
    return scripted(articles, [
        (40, lambda rng: [(rng.randint(3, 16), EDIT)]),
        (15, lambda rng: [(rng.choice((3, 4)), EDIT), (rng.choice((9, 10)), EDIT)]),
        (15, lambda rng: [(rng.randint(5, 16), TITLE)]),
        (8, lambda rng: [(rng.randint(3, 16), REMOVE)]),
        (2, lambda rng: [(3, REMOVE), (9, RESTORE)]),
        (3, lambda rng: [(rng.randint(5, 14), REDIRECT)]),
        (2, lambda rng: [(rng.randint(6, 14), BLANK)]),
    ])


def week_script(articles: int = 30) -> Script:
    """Eight nights (checks on nights 1, 2, 4, 8 of an unchanged article): one of each fate, or two."""
    return scripted(articles, [
        (2, lambda rng: [(rng.choice((3, 6)), EDIT)]),
        (2, lambda rng: [(2, EDIT), (4, EDIT)]),
        (2, lambda rng: [(3, TITLE)]),
        (2, lambda rng: [(rng.choice((2, 3)), REMOVE)]),
        (1, lambda rng: [(2, REMOVE), (4, RESTORE)]),
        (1, lambda rng: [(3, REDIRECT)]),
        (1, lambda rng: [(4, BLANK)]),
    ])


@dataclass
class _Article:
    index: int
    text_version: int = 0
    title_version: int = 0
    status: str = "live"  # live, removed, redirect, blank

    @property
    def etag(self) -> str:
        return f'"{self.index}-{self.text_version}-{self.title_version}"'

    def title(self) -> str:
        return f"Report {self.index} on the talks" + (f" (updated {self.title_version})" if self.title_version else "")

    def paragraphs(self) -> list[str]:
        texts = [_paragraph(random.Random(self.index * 1000 + part)) for part in range(3)]
        if self.text_version:  # an edit rewrites the second paragraph and adds a line
            texts[1] = _paragraph(random.Random(self.index * 1000 + 500 + self.text_version))
            texts.append(f"Update {self.text_version}: the statement was corrected after publication.")
        return texts


def _paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) + str(rng.randint(0, 40)) for _ in range(60)) + "."


@dataclass
class ScriptedOutlet:
    """The outlet: ``articles`` pages on ``server``, changed by ``script`` as ``night(n)`` is called."""

    server: LoopbackServer
    articles: int
    script: Script
    _pages: dict[int, _Article] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.server.route("/", Reply(200, _home_page(), {"Content-Type": "text/html; charset=utf-8"}))
        for index in range(self.articles):
            self._pages[index] = _Article(index)
            self.server.route(f"/news/{index}", lambda request, index=index: self._answer(request, index))

    def urls(self) -> list[str]:
        return [self.server.url(f"/news/{index}") for index in range(self.articles)]

    def night(self, n: int) -> None:
        """Apply the changes scripted for night ``n``."""
        for index, changes in self.script.items():
            for night, change in changes:
                if night == n:
                    self._apply(self._pages[index], change)

    @staticmethod
    def _apply(page: _Article, change: str) -> None:
        if change == EDIT:
            page.text_version += 1
        elif change == TITLE:
            page.title_version += 1
        else:
            page.status = {REMOVE: "removed", REDIRECT: "redirect", BLANK: "blank", RESTORE: "live"}[change]

    def _answer(self, request, index: int) -> Reply:
        page = self._pages[index]
        if page.status == "removed":
            return Reply(410 if index % 2 else 404, b"gone", {"Content-Type": "text/plain"})
        if page.status == "redirect":
            return Reply(301, b"", {"Location": "/"})
        html = {"Content-Type": "text/html; charset=utf-8"}
        if page.status == "blank":
            return Reply(200, html_page("Error", ["Sorry, this page is not available right now."]), html)
        if request.headers.get("if-none-match") == page.etag:
            return Reply(304, b"", {"ETag": page.etag})
        return Reply(200, html_page(page.title(), page.paragraphs()), {**html, "ETag": page.etag})

    # -- what the script says mediamon must have seen ----------------------------------------
    def expected_events(self, index: int) -> Counter:
        """The events article ``index`` must have in article_events after every night ran."""
        return Counter(["first_seen", *(EVENT_OF[change] for _, change in self.script.get(index, []))])

    def expected_versions(self, index: int) -> int:
        return 1 + sum(1 for _, change in self.script.get(index, []) if change in (EDIT, TITLE))


def _home_page() -> bytes:
    headlines = [f"<li><a href='/news/{i}'>Report {i} on the talks</a></li>" for i in range(12)]
    return (f"<!DOCTYPE html><html lang='en'><head><title>The Outlet</title></head><body><nav>Home | World | "
            f"Politics</nav><h1>Latest news</h1><ul>{''.join(headlines)}</ul><footer>(c) outlet</footer>"
            f"</body></html>").encode()
