"""Reprocess: the raw archive read back through extraction, language and dedupe, with no network at all."""
import dataclasses
import socket

import pytest

import engine.analysis
from core.errors import ArchiveUnreadable
from flows.replay import reprocess
from flows.runs import backfill_urls
from tests.conftest import serve_aeb
from testkit.loopback import LoopbackServer, Reply, html_page
from warehouse.db import open_snapshot


def query(db, sql, *params):
    with open_snapshot(db) as con:
        return con.execute(sql, list(params)).fetchall()


def block_network(monkeypatch) -> list:
    """Every socket connection and name look-up of this process fails and is recorded, except those to
    Prefect's own local API server (its ephemeral mode is a subprocess on 127.0.0.1)."""
    from prefect.server.api.server import SubprocessASGIServer

    attempts = []
    connect, create_connection, getaddrinfo = socket.socket.connect, socket.create_connection, socket.getaddrinfo

    def prefect_api(address) -> bool:
        port = SubprocessASGIServer().port
        return isinstance(address, tuple) and address[:2] in (("127.0.0.1", port), ("localhost", port))

    def guarded_connect(sock, address):
        if not prefect_api(address):
            attempts.append(address)
            raise OSError(f"the network is off in this test: connect to {address!r}")
        return connect(sock, address)

    def guarded_create_connection(address, *args, **kwargs):
        if not prefect_api(address):
            attempts.append(address)
            raise OSError(f"the network is off in this test: connection to {address!r}")
        return create_connection(address, *args, **kwargs)

    def guarded_getaddrinfo(host, port, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost") or not prefect_api((host, port)):
            attempts.append((host, port))
            raise socket.gaierror(f"the network is off in this test: look-up of {host!r}")
        return getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", guarded_create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    return attempts


@pytest.mark.slow
def test_reprocess_after_the_server_is_gone_reproduces_every_benchmark_article(loopback_env, aeb_pages, monkeypatch):
    db = loopback_env / "test.duckdb"
    with LoopbackServer() as server:
        urls_file = loopback_env / "urls.txt"
        urls_file.write_text("\n".join(serve_aeb(server, aeb_pages)) + "\n")
        live = backfill_urls(urls_file=str(urls_file), db_path=str(db))
    assert live.counts.new_articles == 181
    before = dict(query(db, "SELECT url, content_sha256 FROM articles"))
    fetch_rows = query(db, "SELECT count(*) FROM fetches")
    assert query(db, "SELECT count(*) FROM fetches WHERE outcome = 'ok' AND (warc_file IS NULL OR warc_offset IS NULL "
                     "OR payload_digest NOT LIKE 'sha1:%')") == [(0,)]

    monkeypatch.setenv("MEDIAMON_CPU_WORKERS", "1")  # everything in this process, under the guard
    attempts = block_network(monkeypatch)  # the loopback server has stopped too
    report = reprocess(db_path=str(db))

    assert attempts == []  # no request, no name look-up left the process
    with pytest.raises(OSError):  # and the guard would have seen one
        socket.create_connection(("127.0.0.1", 9))
    assert attempts == [("127.0.0.1", 9)]
    assert report.status == "completed" and report.urls_planned == 181
    assert report.counts.outcomes == {"ok": 181} and report.counts.new_articles == 0  # nothing changed
    assert dict(query(db, "SELECT url, content_sha256 FROM articles")) == before
    assert query(db, "SELECT count(*) FROM fetches") == fetch_rows  # reprocess fetches nothing
    run_id = query(db, "SELECT run_id FROM runs WHERE flow = 'reprocess' AND status = 'completed'")[0][0]
    assert query(db, "SELECT count(*) FROM articles WHERE run_id = ?", run_id) == [(181,)]


def serve_pages(server, n):
    return [server.route(f"/story/{i}", Reply(200, html_page(f"Story {i}", [
        f"Story number {i} tells of the council meeting about roads, schools and the library budget. " * 6]),
        {"Content-Type": "text/html; charset=utf-8", "ETag": f'"story-{i}"'})) for i in range(n)]


def test_an_improved_extractor_replaces_the_derived_rows_and_keeps_the_fetches(server, loopback_env, monkeypatch):
    db = loopback_env / "test.duckdb"
    monkeypatch.setenv("MEDIAMON_CPU_WORKERS", "1")
    urls_file = loopback_env / "urls.txt"
    urls_file.write_text("\n".join(serve_pages(server, 3)) + "\n")
    backfill_urls(urls_file=str(urls_file), db_path=str(db))
    fetches = query(db, "SELECT fetch_id, url FROM fetches ORDER BY url")
    validators = query(db, "SELECT url, etag FROM documents ORDER BY url")
    assert [etag for _, etag in validators] == ['"story-0"', '"story-1"', '"story-2"']
    served = len(server.requests)

    extract = engine.analysis.extract_article

    def improved(body, url, content_type):
        article = extract(body, url, content_type)
        return dataclasses.replace(article, text=article.text + "\nImproved.", extractor="trafilatura improved")

    monkeypatch.setattr(engine.analysis, "extract_article", improved)
    assert reprocess(db_path=str(db), since="2999-01-01").urls_planned == 0  # nothing fetched since then
    report = reprocess(db_path=str(db))

    assert report.counts.new_articles == 3 and len(server.requests) == served
    assert query(db, "SELECT count(*) FROM articles WHERE text LIKE '%Improved.' AND extractor = "
                     "'trafilatura improved'") == [(3,)]
    assert query(db, "SELECT fetch_id, url FROM fetches ORDER BY url") == fetches
    assert query(db, "SELECT url, etag FROM documents ORDER BY url") == validators  # the next rerun is conditional
    assert query(db, "SELECT count(*) FROM articles a JOIN fetches f USING (fetch_id)") == [(3,)]
    assert query(db, "SELECT count(*), count(DISTINCT doc_id) FROM fingerprints WHERE kind = 'article'") == [(3, 3)]  # re-indexed, not doubled


def test_a_missing_archive_file_is_named_and_everything_else_is_reprocessed(server, loopback_env, monkeypatch):
    db = loopback_env / "test.duckdb"
    monkeypatch.setenv("MEDIAMON_CPU_WORKERS", "1")
    monkeypatch.setenv("MEDIAMON_WARC_MAX_BYTES", "1500")  # about one exchange a file
    urls_file = loopback_env / "urls.txt"
    urls_file.write_text("\n".join(serve_pages(server, 4)) + "\n")
    backfill_urls(urls_file=str(urls_file), db_path=str(db))
    [(lost_file,)] = query(db, "SELECT warc_file FROM articles ORDER BY url LIMIT 1")
    lost = query(db, "SELECT url, content_sha256 FROM articles WHERE warc_file = ? ORDER BY url", lost_file)
    (loopback_env / "archive" / lost_file).unlink()

    with pytest.raises(ArchiveUnreadable, match=f"{lost_file}: cannot be read .*every other archived page"):
        reprocess(db_path=str(db))

    [(status, error)] = query(db, "SELECT status, error FROM runs WHERE flow = 'reprocess'")
    assert status == "failed" and lost_file in error
    assert query(db, "SELECT count(*) FROM articles WHERE run_id = (SELECT run_id FROM runs WHERE flow = "
                     "'reprocess')") == [(4 - len(lost),)]
    assert query(db, "SELECT url, content_sha256 FROM articles WHERE warc_file = ? ORDER BY url", lost_file) == lost
