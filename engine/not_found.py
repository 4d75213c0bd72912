"""Each host's answer for an address that cannot exist, learnt once a run: the soft-404 reference.

The first time a page of a host comes back (status 2xx, live), the fetcher asks that host for an
address beside it that cannot exist (``fetch.probe``); when the answer is a page too (a soft 404,
or a redirect to the home page), its text is extracted once, on the analysis workers, and every
page of the host is compared with it there (``extractors.page_kind``). Threads fetching pages of
the same host meanwhile wait for that one probe; the answers are kept as short texts, not bodies.
"""
from __future__ import annotations

import logging
import secrets
import threading
from concurrent.futures import Future
from typing import Callable

from core.errors import ArchiveUnavailable
from core.records import FetchResult, Outcome
from extractors.page_kind import NotFoundAnswer
from fetch import Fetcher
from fetch.probe import origin_of

log = logging.getLogger("mediamon.engine")

TextOf = Callable[[FetchResult], "str | None"]  # a probe's page -> its extracted text


class NotFoundAnswers:
    """The not-found answers of the hosts a run meets, one probe per host (origin) a run."""

    def __init__(self, fetcher: Fetcher, text_of: TextOf, token: str | None = None) -> None:
        self.fetcher, self.text_of = fetcher, text_of
        self.token = token or secrets.token_hex(6)  # a new address every run: no cache answers it
        self._answers: dict[str, Future] = {}
        self._lock = threading.Lock()

    @staticmethod
    def wanted(fetch: FetchResult) -> bool:
        """Whether ``fetch`` is a page compared with its host's answer: live, 2xx, with a body."""
        return fetch.via == "live" and fetch.outcome == Outcome.OK and bool(fetch.body)

    def for_page(self, fetch: FetchResult) -> NotFoundAnswer | None:
        """The answer of ``fetch``'s host (probed now if it is the host's first page); None when the
        host answers such addresses with an error, as it should, or the probe failed."""
        page_url = fetch.final_url or fetch.url
        origin = origin_of(page_url)
        with self._lock:
            answer = self._answers.get(origin)
            mine = answer is None
            if mine:
                answer = self._answers[origin] = Future()
        if mine:
            try:
                answer.set_result(self._learn(page_url))
            except BaseException as exc:  # the raw archive is unwritable: every waiting thread stops too
                answer.set_exception(exc)
                raise
        return answer.result()

    def _learn(self, page_url: str) -> NotFoundAnswer | None:
        try:
            probe = self.fetcher.probe_not_found(page_url, self.token)
            if probe.outcome != Outcome.OK or not probe.body:
                return None
            return NotFoundAnswer(probe.url, probe.final_url or probe.url, self.text_of(probe))
        except ArchiveUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - a failed probe costs the comparison, never the page
            log.warning("learning the not-found answer of %s failed: %s: %s", origin_of(page_url),
                        type(exc).__name__, exc)
            return None
