"""The full-text index is rebuilt only when an article changed since the last build."""
from tests.warehouse.test_store import page, text_of
from warehouse import Warehouse, fts


def test_index_rebuilt_only_when_articles_change(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as warehouse:
        run = warehouse.start_run("test")
        warehouse.commit_batch([page("http://x.example/a", text_of(1))], run)
        assert fts.rebuild_index(warehouse.con) is True
        assert fts.rebuild_index(warehouse.con) is False              # nothing changed
        warehouse.commit_batch([page("http://x.example/a", text_of(1))], run)
        assert fts.rebuild_index(warehouse.con) is False              # same text fetched again
        warehouse.commit_batch([page("http://x.example/b", text_of(2))], run)
        assert fts.rebuild_index(warehouse.con) is True               # a new article
        hits = fts.search(warehouse.con, text_of(2).split()[0])
        assert "http://x.example/b" in {row[2] for row in hits}
