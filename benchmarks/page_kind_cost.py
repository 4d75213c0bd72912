"""What the not-an-article checks cost a page, against the extraction they ride on (issue 21).

    python -m benchmarks.page_kind_cost

On the 181 benchmark pages and the 31 tr/ru/uk news pages of ../shared/corpus, each timed in this
process (best of ``ROUNDS``, per page, then summed):

- extraction (``extractors.article.extract_article``): what the analysis step does anyway;
- ``page_kind`` without a not-found answer (a host that answers missing pages with a 404);
- ``page_kind`` against a not-found answer of the same size as a news site's (another news page's
  whole text), as for a host that serves soft 404s;
- the fetch layer's scan of each body for a page redirect (``fetch.refresh.refresh_target``, in the
  fetch threads), and reading the not-found answer's text once a host (``page_text``).

It also counts the real pages that any check calls "not an article" (there should be none).
"""
from __future__ import annotations

import gzip
import sys
import time

ROUNDS = 3


def _pages() -> dict[str, bytes]:
    from testkit.corpus import ROOT, load_aeb

    found = {key: page["html"] for key, page in load_aeb().items()}
    news = ROOT.parent / "shared" / "corpus" / "news-tr-ru-uk"
    for path in sorted(news.glob("*/*.html*")):
        data = path.read_bytes()
        found[str(path.relative_to(news))] = gzip.decompress(data) if path.suffix == ".gz" else data
    return found


def _best(work, rounds: int = ROUNDS) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(rounds):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    from testkit.corpus import aeb_available, aeb_dir

    if not aeb_available():
        print(f"needs the benchmark at {aeb_dir()}", file=sys.stderr)
        return 2
    from extractors.article import extract_article
    from extractors.page_kind import NotFoundAnswer, page_kind, page_text
    from fetch.refresh import refresh_target

    pages = _pages()
    probe = "http://outlet.example/haber/mediamon-no-such-page-7f3a"
    answer = NotFoundAnswer(probe, probe, page_text(pages["tr/fundus_NTVTR_2024_04_29.html.gz"], "text/html"))
    totals = {"extraction": 0.0, "page_kind, host answers 404": 0.0, "page_kind, host serves soft 404s": 0.0,
              "page redirect scan (fetch thread)": 0.0, "not-found answer's text (once a host)": 0.0}
    flagged = 0
    for key, body in pages.items():
        url = f"http://outlet.example/haber/{key.replace('/', '-')}"
        seconds, article = _best(lambda: extract_article(body, url, "text/html"))
        totals["extraction"] += seconds
        seconds, alone = _best(lambda: page_kind(body, url, "text/html", article))
        totals["page_kind, host answers 404"] += seconds
        seconds, against = _best(lambda: page_kind(body, url, "text/html", article, answer))
        totals["page_kind, host serves soft 404s"] += seconds
        seconds, target = _best(lambda: refresh_target(body))
        totals["page redirect scan (fetch thread)"] += seconds
        totals["not-found answer's text (once a host)"] += _best(lambda: page_text(body, "text/html"))[0]
        flagged += bool(alone) + bool(against and key != "tr/fundus_NTVTR_2024_04_29.html.gz") + bool(target)
    per_page = {name: 1000 * seconds / len(pages) for name, seconds in totals.items()}
    print(f"{len(pages)} real pages (181 benchmark + 31 news), best of {ROUNDS} per page, ms a page:")
    for name, ms in per_page.items():
        share = "" if name == "extraction" else f"  ({ms / per_page['extraction']:.1%} of extraction)"
        print(f"  {name:<40} {ms:7.3f}{share}")
    print(f"real pages any check called not an article, or found redirecting: {flagged}")
    print("command: python -m benchmarks.page_kind_cost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
