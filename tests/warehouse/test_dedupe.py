"""The duplicate index: thresholds, clusters, and that stored documents are looked up, never re-hashed."""
import random
from datetime import datetime, timezone
from dataclasses import replace
from pathlib import Path

import warehouse.anchor_index as anchor_index
import warehouse.dedupe as dedupe
from extractors.fingerprint import fingerprint, normalized_words, shingles
from extractors.seed import parse_seed
from core.records import Language
from core.settings import Settings
from engine.jobs import open_warehouse
from extractors.crosslingual import anchors
from tests.warehouse.test_store import page, text_of
from warehouse import Warehouse
from warehouse.clusters import components
from warehouse.store import doc_id_for

HELDOUT = Path(__file__).resolve().parents[1] / "data" / "dedupe" / "heldout"


def pairs(warehouse) -> dict[tuple[str, str], tuple]:
    rows = warehouse.con.execute("SELECT doc_id, duplicate_of, kind, similarity, containment FROM duplicates")
    return {(d, o): rest for d, o, *rest in rows.fetchall()}


def clusters(warehouse) -> dict[str, str]:
    return dict(warehouse.con.execute("SELECT doc_id, cluster_id FROM doc_clusters").fetchall())


def from_scratch(warehouse) -> dict[str, str]:
    """Clusters recomputed from every stored pair: what the incremental upkeep must equal."""
    rank = {d: (k != "seed", t, d) for d, k, t in
            warehouse.con.execute("SELECT doc_id, kind, first_seen FROM fingerprints").fetchall()}
    edges = set(warehouse.con.execute("SELECT doc_id, duplicate_of FROM duplicate_pairs").fetchall())
    return components(set(rank), edges, rank)


def republished(words: list[str], rng: random.Random) -> str:
    """A republication: a new lead paragraph, a dropped sentence here and there, a credit line."""
    sentences = [words[i : i + 20] for i in range(0, len(words), 20)]
    kept = [s for s in sentences if rng.random() > 0.05]
    lead = text_of(rng.randint(1000, 2000), rng.randint(10, 40)).split()
    return " ".join(lead + [w for s in kept for w in s] + "first published by another outlet".split())


def true_overlap(a: str, b: str) -> tuple[float, float]:
    """Exact Jaccard and containment of two texts' shingle sets (what MinHash estimates)."""
    sa, sb = shingles(normalized_words(a)), shingles(normalized_words(b))
    return len(sa & sb) / len(sa | sb), len(sa & sb) / min(len(sa), len(sb))


def test_republications_around_0_8_jaccard_pair_and_unrelated_texts_never_do(tmp_path):
    rng = random.Random(7)
    originals = [text_of(100 + i, 400) for i in range(40)]
    copies = [republished(t.split(), rng) for t in originals]
    inside = [text_of(900 + i, 150) + " " + t for i, t in enumerate(originals[:10])]  # wrapped in a longer page
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page(f"http://o.example/{i}", t) for i, t in enumerate(originals)], run)
        warehouse.commit_batch([page(f"http://c.example/{i}", t) for i, t in enumerate(copies)]
                               + [page(f"http://w.example/{i}", t) for i, t in enumerate(inside)]
                               + [page(f"http://u.example/{i}", text_of(500 + i, 400)) for i in range(40)], run)
        found = pairs(warehouse)
        planted = [(f"c.example/{i}", copies[i], originals[i]) for i in range(40)]
        planted += [(f"w.example/{i}", inside[i], originals[i]) for i in range(10)]
        in_spec = 0
        for name, copy, original in planted:
            jaccard, containment = true_overlap(copy, original)
            key = (doc_id_for(f"http://{name}"), doc_id_for(f"http://o.example/{name.split('/')[1]}"))
            if jaccard >= 0.75 or containment >= 0.9:   # the republications: ~0.8 Jaccard, > 0.9 containment
                in_spec += 1
                assert key in found and found[key][0] == "near", (name, jaccard, containment)
        assert in_spec >= 40
        unrelated = {doc_id_for(f"http://u.example/{i}") for i in range(40)}
        assert not [p for p in found if unrelated & set(p)]


def test_a_new_batch_hashes_only_itself_and_an_unchanged_refetch_nothing(tmp_path, monkeypatch):
    indexed: list[list[str]] = []
    real = dedupe.find_duplicates
    monkeypatch.setattr(dedupe, "find_duplicates", lambda con, items, t: indexed.append([d for d, _ in items])
                        or real(con, items, t))
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page(f"http://o.example/{i}", text_of(i)) for i in range(10)], run)
        before = warehouse.con.execute("SELECT doc_id, first_seen FROM fingerprints ORDER BY 1").fetchall()
        warehouse.commit_batch([page("http://n.example/1", text_of(50)), page("http://o.example/3", text_of(3))], run)
        assert indexed[-1] == [doc_id_for("http://n.example/1")]   # the unchanged re-fetch is not indexed again
        after = warehouse.con.execute("SELECT doc_id, first_seen FROM fingerprints ORDER BY 1").fetchall()
        assert set(before) <= set(after) and len(after) == 11
        assert warehouse.keys.con.execute("SELECT count(*) FROM lsh").fetchone()[0] == 11 * 32   # the look-up keys


def test_clusters_merge_and_split_as_pairs_come_and_go(tmp_path):
    x, y = text_of(1, 300), text_of(2, 300)
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        seed = parse_seed(x, "x.txt")
        warehouse.store_seeds([(seed, Language("en", 1.0, "t"), fingerprint(x))], run)
        warehouse.commit_batch([page("http://a.example/x", x + " reprinted"), page("http://a.example/y", y),
                                page("http://b.example/y", y.upper())], run)
        bridge = doc_id_for("http://c.example/both")
        y_id = min(doc_id_for("http://a.example/y"), doc_id_for("http://b.example/y"))  # one batch: lowest id
        assert clusters(warehouse)[doc_id_for("http://b.example/y")] == y_id
        warehouse.commit_batch([page("http://c.example/both", x + " " + y)], run)        # contains both: merges
        assert set(clusters(warehouse).values()) == {seed.seed_id} and clusters(warehouse) == from_scratch(warehouse)
        warehouse.commit_batch([page("http://c.example/both", text_of(3, 300))], run)    # its text changed: splits
        assert clusters(warehouse)[bridge] == bridge and clusters(warehouse)[y_id] == y_id
        assert clusters(warehouse) == from_scratch(warehouse)
        counted = warehouse.con.execute("SELECT representative, size FROM duplicate_clusters ORDER BY 1").fetchall()
        assert counted == sorted([(seed.seed_id, 2), (y_id, 2)])


def test_random_batches_keep_clusters_equal_to_a_full_recomputation(tmp_path):
    rng = random.Random(3)
    bases = [text_of(200 + i, 200).split() for i in range(6)]
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        for batch in range(5):
            docs = []
            for j in rng.sample(range(30), 8):
                words = bases[rng.randrange(6)] + (bases[rng.randrange(6)] if rng.random() < 0.2 else [])
                docs.append(page(f"http://r.example/{j}", " ".join(words[rng.randrange(20):])))
            warehouse.commit_batch(docs, run)
            assert clusters(warehouse) == from_scratch(warehouse)


def test_documents_indexed_before_anchors_and_clusters_existed_get_them_after_the_upgrade(tmp_path):
    path = tmp_path / "w.duckdb"
    ru, tr = (HELDOUT / "appeal_ru.txt").read_text("utf-8"), (HELDOUT / "appeal_tr.txt").read_text("utf-8")
    with Warehouse.open(path) as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page("http://ru.example/a", ru), page("http://tr.example/a", tr)], run)
        warehouse.con.execute("UPDATE documents SET language = CASE WHEN url LIKE '%ru.%' THEN 'ru' ELSE 'tr' END")
        for table in ("doc_clusters", "anchor_sets", "cross_lingual_pairs"):
            warehouse.con.execute(f"DELETE FROM {table}")   # as a database from before migration 003
        warehouse.con.execute("INSERT INTO pending_backfills SELECT 'anchor_index' "  # as 009 leaves it
                              "WHERE 'anchor_index' NOT IN (SELECT name FROM pending_backfills)")
        warehouse.publish()
    with open_warehouse(replace(Settings(), db_path=path)) as warehouse:
        assert warehouse.con.execute("SELECT count(*) FROM pending_backfills").fetchone()[0] == 0
        assert warehouse.con.execute("SELECT count(*) FROM doc_clusters").fetchone()[0] == 2
        [(kind, evidence)] = warehouse.con.execute("SELECT kind, evidence FROM duplicates").fetchall()
        assert kind == "cross_lingual" and "21 мая ~ 21 Mayıs" in evidence.replace("21 Mayıs ~ 21 мая", "21 мая ~ 21 Mayıs")
        assert dedupe.index_backlog(warehouse.con, warehouse.keys, datetime.now(timezone.utc), anchors) == 0  # nothing left


def test_cross_lingual_needs_two_languages(tmp_path):
    ru = (HELDOUT / "appeal_ru.txt").read_text("utf-8")
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        a = page("http://one.example/a", ru)
        b = page("http://two.example/a", ru.replace("Азербайджан", "Азербайджан ").replace("Кипр", "Кипр, пишут"))
        warehouse.commit_batch([a, b], run)     # test pages are labelled 'en': one language, no candidates
        assert warehouse.con.execute("SELECT count(*) FROM cross_lingual_pairs").fetchone()[0] == 0
        assert anchor_index.CANDIDATES_KEPT == 3
