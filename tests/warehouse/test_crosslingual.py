"""Cross-lingual candidates in the warehouse: the upgrade that recomputes stale anchors, seeds kept
first, and precision and recall on real pages with the repository's own translations."""
from dataclasses import replace
from pathlib import Path

import pytest

from core.records import Language
from core.settings import Settings
from engine.jobs import open_warehouse
from extractors.fingerprint import fingerprint
from extractors.seed import parse_seed
from tests.conftest import AEB, SHARED, needs_shared
from tests.warehouse.test_store import page
from testkit.crosslingual_eval import evaluate, project_texts, shared_texts
from warehouse import Warehouse
from warehouse.db import latest_version, migrations, schema_version
from warehouse.store import doc_id_for

DEDUPE = Path(__file__).resolve().parents[1] / "data" / "dedupe"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def labelled(url: str, text: str, language: str):
    found = page(url, text)
    return replace(found, language=Language(language, 0.99, "test"))


@pytest.mark.usefixtures("file_storage")  # an upgrade of the DuckDB file
def test_an_upgrade_recomputes_stale_anchors_and_drops_candidates_the_old_rule_let_through(tmp_path):
    path = tmp_path / "w.duckdb"
    ru, tr = ((DEDUPE / "heldout" / f"appeal_{lang}.txt").read_text("utf-8") for lang in ("ru", "tr"))
    budget, football = ((DEDUPE / "pairs" / f"{name}.txt").read_text("utf-8") for name in ("budget_en", "football_ru"))
    with Warehouse.open(path) as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([labelled("http://ru.example/a", ru, "ru"), labelled("http://en.example/b", budget, "en"),
                                labelled("http://tr.example/a", tr, "tr"),
                                labelled("http://ru.example/f", football, "ru")], run)
        # as mediamon v9 left it: anchors keyed by the older extractor, and a candidate on bare small numbers
        warehouse.con.execute("UPDATE anchor_sets SET anchors = list_transform(anchors, k -> 'old' || k)")
        warehouse.con.execute("INSERT INTO cross_lingual_pairs VALUES (?, ?, 0.6, 1.0, 12, "
                              "'12 shared anchors: 40; 60; 100; 20; 2025', now(), 'old')",
                              [doc_id_for("http://ru.example/f"), doc_id_for("http://en.example/b")])
        warehouse.con.execute("DELETE FROM pending_backfills")
        # the upgrade to v10 as a v9 database takes it: migration 010's statements
        [(_, _, upgrade)] = [m for m in migrations() if m[0] == 10]
        warehouse.con.execute("CREATE TABLE anchor_postings (anchor VARCHAR, doc_id VARCHAR)")  # v9 had it; 016 drops it
        warehouse.con.execute(upgrade)
        warehouse.con.execute("DROP TABLE anchor_postings")
        warehouse.publish()
    with open_warehouse(replace(Settings(), db_path=path)) as warehouse:
        con = warehouse.con
        assert schema_version(con) == latest_version()
        assert con.execute("SELECT count(*) FROM pending_backfills").fetchone()[0] == 0
        stale = "SELECT count(*) FROM anchor_sets WHERE len(list_filter(anchors, k -> k LIKE 'old%')) > 0"
        assert con.execute(stale).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM anchor_sets").fetchone()[0] == 4
        [(later, earlier, evidence)] = con.execute("SELECT doc_id, duplicate_of, evidence FROM cross_lingual_pairs")\
            .fetchall()
        assert {later, earlier} == {doc_id_for("http://ru.example/a"), doc_id_for("http://tr.example/a")}
        assert "strong in the same order" in evidence and "21 мая" in evidence


def test_a_document_with_more_candidates_than_are_kept_keeps_its_seed(tmp_path):
    seed_text = next(SEEDS.glob("000_*.txt")).read_text("utf-8")
    seed = parse_seed(seed_text, "000.txt")
    appeals = [labelled(f"http://{lang}.example/appeal", (DEDUPE / "heldout" / f"appeal_{lang}.txt").read_text("utf-8"),
                        lang) for lang in ("az", "ru", "tr", "uk")]
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        warehouse.store_seeds([(seed, Language("en", 0.99, "test"), fingerprint(seed_text))], run)
        warehouse.commit_batch(appeals, run)      # the last has four candidates, three of them other appeals
        rows = warehouse.con.execute("SELECT doc_id, duplicate_of FROM cross_lingual_pairs").fetchall()
    last = doc_id_for("http://uk.example/appeal")
    assert len([r for r in rows if r[0] == last]) == 3 and (last, seed.seed_id) in rows
    assert {d for d, o in rows if o == seed.seed_id} == {doc_id_for(a.fetch.url) for a in appeals}


@pytest.mark.slow
def test_no_candidate_among_real_pages_and_every_own_translation_found():
    """The issue's check: the shared corpus's 181 benchmark and 31 news pages (no page there renders
    another in a different language) ingested with the repository's translations and look-alikes."""
    needs_shared(AEB / "ground-truth.json")
    needs_shared(SHARED / "corpus" / "news-tr-ru-uk" / "manifest.tsv")
    result = evaluate(shared_texts(SHARED), project_texts())
    expected = set().union(*result.expected.values())
    found = set().union(*(result.found(folder) for folder in result.expected))
    print(f"\nshared corpus: {result.shared_pages} pages, {len(result.shared_candidates)} candidates; "
          f"translations found: {len(found)} of {len(expected)}")
    assert result.shared_pages == 212 and result.shared_candidates == []
    assert found == expected and len(expected) == 12
    assert result.true(result.candidates) == result.candidates        # no look-alike, no same-topic article


def _appeal_copies_then_one_translation(path, copies: int) -> list[tuple[str, str]]:
    """``copies`` Russian republications of the appeal stored first, then its Turkish version: the
    cross-lingual pairs found for the Turkish one."""
    ru, tr = ((DEDUPE / "heldout" / f"appeal_{lang}.txt").read_text("utf-8") for lang in ("ru", "tr"))
    with Warehouse.open(path) as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([labelled(f"http://ru{i}.example/appeal", f"{ru}\nИсточник {i}.", "ru")
                                for i in range(copies)], run)
        warehouse.commit_batch([labelled("http://tr.example/appeal", tr, "tr")], run)
        return warehouse.con.execute("SELECT doc_id, duplicate_of FROM cross_lingual_pairs WHERE doc_id = ?",
                                     [doc_id_for("http://tr.example/appeal")]).fetchall()


def test_stored_documents_scored_for_a_new_one_are_bounded_whatever_the_warehouse_holds(tmp_path, monkeypatch):
    import warehouse.anchor_index as anchor_index

    scored = []
    real_score = anchor_index.anchor_score
    monkeypatch.setattr(anchor_index, "anchor_score", lambda a, b, *rest: scored.append(b) or real_score(a, b, *rest))
    assert len(_appeal_copies_then_one_translation(tmp_path / "a.duckdb", 12)) == anchor_index.CANDIDATES_KEPT
    assert len(scored) == 12                   # every Russian copy shares the Turkish text's rare anchors
    scored.clear()
    monkeypatch.setattr(anchor_index, "STORED_CANDIDATES", 4)
    assert len(_appeal_copies_then_one_translation(tmp_path / "b.duckdb", 12)) == anchor_index.CANDIDATES_KEPT
    assert len(scored) == 4                    # the bound, not the warehouse, sets the work


def test_an_anchor_in_more_documents_than_the_cap_finds_nothing(tmp_path, monkeypatch):
    import warehouse.anchor_index as anchor_index

    assert len(_appeal_copies_then_one_translation(tmp_path / "a.duckdb", 12)) == anchor_index.CANDIDATES_KEPT
    monkeypatch.setattr(anchor_index, "MAX_PROBE_DF", 11)   # every shared anchor is now in 12 stored documents
    assert _appeal_copies_then_one_translation(tmp_path / "b.duckdb", 12) == []
