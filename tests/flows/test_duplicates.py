"""End to end: republications, syndicated copies and translations served on loopback, ingested by the
nightly flow, found through the analyst views (``duplicates``, ``articles``, ``duplicate_clusters``).

The pages are this repository's own test data (tests/data/dedupe, see its README): the held-out
translations and same-topic articles were never used to tune the cross-lingual thresholds.
"""
import html
import re
from pathlib import Path


from core.similarity import MIN_SCORE
from flows.runs import nightly_run
from testkit.loopback import Reply
from warehouse.db import open_snapshot

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "dedupe"
SEEDS = ROOT / "seeds"
HTML = {"Content-Type": "text/html; charset=utf-8"}


def chrome_page(outlet: str, title: str, paragraphs: list[str], lang: str = "en") -> bytes:
    """An article inside an outlet's own page chrome: navigation, a most-read box, a footer."""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs if p.strip())
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)} | {outlet}'
            f"</title></head><body><header><a href='/'>{outlet}</a><nav><a href='/politics'>Politics</a> "
            f"<a href='/economy'>Economy</a> <a href='/sport'>Sport</a></nav></header>"
            f"<main><article><h1>{html.escape(title)}</h1><div class='byline'>{outlet} newsroom</div>{body}</article>"
            f"<aside><h2>Most read</h2><ul><li><a href='/a'>Weather warning for the weekend</a></li>"
            f"<li><a href='/b'>Ten recipes for spring</a></li></ul></aside></main>"
            f"<footer>© {outlet}. All rights reserved. <a href='/privacy'>Privacy</a></footer></body></html>").encode()


def read_page(path: Path) -> tuple[str, list[str]]:
    title, _, body = path.read_text("utf-8").partition("\n\n")
    return title.strip(), [p.strip() for p in body.split("\n\n") if p.strip()]


def seed_lines(name: str) -> list[str]:
    text = next(SEEDS.glob(f"{name}_*.txt")).read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def write_seed(folder: Path, name: str, lines: list[str], cited: list[str]) -> None:
    links = "".join(f"{i}. {url}\n" for i, url in enumerate(cited, 1))
    (folder / f"{name}.txt").write_text("\n".join(lines) + ("\nRepublished at:\n" + links if cited else "\n"), "utf-8")


def query(db: Path, statement: str, *params) -> list[tuple]:
    with open_snapshot(db) as con:
        return con.execute(statement, list(params)).fetchall()


def sentences(lines: list[str]) -> list[str]:
    return [s for line in lines for s in re.split(r"(?<=[.!?”\"])\s+", line) if s]


def test_republications_and_syndicated_copies_are_near_duplicates_and_unrelated_pages_pair_with_nothing(
        server, loopback_env):
    seeds = loopback_env / "seeds"
    seeds.mkdir()
    verbatim_lines = seed_lines("003")                          # verbatim, in another outlet's chrome
    edited = sentences(seed_lines("004"))
    edited = [s for i, s in enumerate(edited) if i % 5 != 3]    # every fifth sentence dropped
    edited[1] = edited[1].replace("US Secretary of State", "Secretary of State")
    new_lead = [(DATA / "english" / "new_lead.txt").read_text("utf-8").strip()] + seed_lines("001")[1:]
    syndicated_title, syndicated = read_page(DATA / "english" / "syndicated.txt")
    credit = (DATA / "english" / "credit_line.txt").read_text("utf-8").strip()
    pages = {
        "verbatim": server.route("/gazette/madagiz", Reply(200, chrome_page("Gazette", "Flag over Madagiz",
                                                                            verbatim_lines), HTML)),
        "edited": server.route("/courier/blame", Reply(200, chrome_page("Courier", "Blame for the clash", edited),
                                                       HTML)),
        "new_lead": server.route("/herald/statement", Reply(200, chrome_page("Herald", "Statement", new_lead), HTML)),
        "original": server.route("/wire/ferry", Reply(200, chrome_page("Caspian Business Wire", syndicated_title,
                                                                       syndicated), HTML)),
        "copy": server.route("/partner/ferry", Reply(200, chrome_page("Partner Daily", "Ferry line returns",
                                                                      [credit, *syndicated, credit]), HTML)),
    }
    for name in ("unrelated_water", "unrelated_chess"):
        title, paragraphs = read_page(DATA / "english" / f"{name}.txt")
        pages[name] = server.route(f"/local/{name}", Reply(200, chrome_page("Local News", title, paragraphs), HTML))
    write_seed(seeds, "003", seed_lines("003"), [pages["verbatim"]])
    write_seed(seeds, "004", seed_lines("004"), [pages["edited"]])
    write_seed(seeds, "001", seed_lines("001"), [pages["new_lead"]])
    write_seed(seeds, "wire", ["Wire stories to follow this week"],
               [pages["original"], pages["copy"], pages["unrelated_water"], pages["unrelated_chess"]])
    db = loopback_env / "test.duckdb"

    report = nightly_run(seeds_dir=str(seeds), db_path=str(db))
    assert report.status == "completed" and report.counts.new_articles == 7

    seed_of = {path.split("/")[-1][:-4]: sid for sid, path in query(db, "SELECT seed_id, source_path FROM seeds")}
    best = {url: rest for url, *rest in query(
        db, "SELECT url, duplicate_of, duplicate_kind, similarity, containment, cluster_id, cluster_size FROM articles")}
    for page, seed in (("verbatim", "003"), ("edited", "004"), ("new_lead", "001")):
        duplicate_of, kind, similarity, containment, cluster_id, size = best[pages[page]]
        assert (duplicate_of, cluster_id, size) == (seed_of[seed], seed_of[seed], 2), page
        assert kind in ("exact", "near") and (similarity >= 0.7 or containment >= 0.9), (page, similarity, containment)
    # the syndicated pair: one batch fetches both, so either may be the earlier (the pair points to it)
    [(original_id,)] = query(db, "SELECT doc_id FROM articles WHERE url = ?", pages["original"])
    [(copy_id,)] = query(db, "SELECT doc_id FROM articles WHERE url = ?", pages["copy"])
    [(kind, containment)] = query(db, "SELECT kind, containment FROM duplicates WHERE doc_id IN (?, ?) "
                                      "AND duplicate_of IN (?, ?)", original_id, copy_id, original_id, copy_id)
    assert kind == "near" and containment >= 0.9
    syndicated_cluster = {best[pages["original"]][4], best[pages["copy"]][4]}
    assert len(syndicated_cluster) == 1 and best[pages["copy"]][5] == 2

    for name in ("unrelated_water", "unrelated_chess"):
        [(doc_id,)] = query(db, "SELECT doc_id FROM articles WHERE url = ?", pages[name])
        assert best[pages[name]] == [None, None, None, None, doc_id, 1]
        assert query(db, "SELECT count(*) FROM duplicates WHERE ? IN (doc_id, duplicate_of)", doc_id) == [(0,)]

    clusters = query(db, "SELECT representative, size, seeds, articles FROM duplicate_clusters ORDER BY 1")
    assert sorted(clusters) == sorted([(seed_of["001"], 2, 1, 1), (seed_of["003"], 2, 1, 1),
                                       (seed_of["004"], 2, 1, 1), (syndicated_cluster.pop(), 2, 0, 2)])


def test_translated_republications_are_cross_lingual_candidates_and_same_topic_articles_are_not(
        server, loopback_env):
    seeds = loopback_env / "seeds"
    seeds.mkdir()
    heldout = DATA / "heldout"
    urls = {}
    for path in sorted(heldout.glob("*.txt")):
        title, paragraphs = read_page(path)
        lang = path.stem.split("_")[1]
        urls[path.stem] = server.route(f"/{lang}/{path.stem}", Reply(200, chrome_page(f"Outlet {lang}", title,
                                                                                       paragraphs, lang), HTML))
    appeal = next(SEEDS.glob("000_*.txt")).read_text("utf-8").split("1. http")[0].splitlines()
    write_seed(seeds, "000", appeal, list(urls.values()))
    for name in ("001", "003", "004"):
        write_seed(seeds, name, seed_lines(name), [])
    db = loopback_env / "test.duckdb"

    report = nightly_run(seeds_dir=str(seeds), db_path=str(db))
    assert report.status == "completed" and report.counts.new_articles == len(urls)

    seed_of = {path.split("/")[-1][:-4]: sid for sid, path in query(db, "SELECT seed_id, source_path FROM seeds")}
    doc_of = dict(query(db, "SELECT url, doc_id FROM articles"))
    rows = query(db, "SELECT doc_id, duplicate_of, kind, similarity, evidence FROM duplicates")
    for language in ("tr", "ru", "az", "uk"):
        doc_id = doc_of[urls[f"appeal_{language}"]]
        with_seed = [r for r in rows if r[0] == doc_id and r[1] == seed_of["000"]]
        assert len(with_seed) == 1, (language, rows)
        _, _, kind, score, evidence = with_seed[0]
        assert kind == "cross_lingual" and MIN_SCORE <= score <= 1.0
        assert "strong in the same order" in evidence and "May 21" in evidence, evidence
        assert not [r for r in rows if r[0] == doc_id and r[2] != "cross_lingual"]
    for language in ("en", "tr", "ru", "az", "uk"):
        doc_id = doc_of[urls[f"topic_{language}"]]
        assert not [r for r in rows if doc_id in (r[0], r[1])], (language, rows)
    assert not [r for r in rows if r[1] in {seed_of[s] for s in ("001", "003", "004")}]

    # analysts count the seed's candidates in duplicate_clusters
    assert query(db, "SELECT size, cross_lingual_candidates FROM duplicate_clusters WHERE cluster_id = ?",
                 seed_of["000"]) == [(1, 4)]
