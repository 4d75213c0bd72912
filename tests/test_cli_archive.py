"""The archive's commands as a user runs them: `backfill --warc`, `reprocess`; one-line errors and exit codes."""
import io
import logging

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from core.errors import InputError
from mediamon.cli import app

ARTICLE = (b"<html><body><article><p>" + b"The council met about the roads and the library budget. " * 30
           + b"</p></article></body></html>")


def damaged_warc(path, pages=3, keep_of_last=50):
    """A WARC of ``pages`` responses whose last record is cut after ``keep_of_last`` bytes; the cut's offset."""
    buffer, offsets = io.BytesIO(), []
    writer = WARCWriter(buffer, gzip=True)
    for n in range(pages):
        offsets.append(buffer.tell())
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        body = io.BytesIO(ARTICLE.replace(b"council", b"council %d" % n))
        writer.write_record(writer.create_warc_record(f"http://outlet.example/{n}", "response", payload=body,
                                                      http_headers=http))
    path.write_bytes(buffer.getvalue()[: offsets[-1] + keep_of_last])
    return offsets[-1]


def test_a_damaged_warc_is_one_line_naming_file_and_byte_and_exit_2(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("MEDIAMON_CPU_WORKERS", "1")
    broken = tmp_path / "broken.warc.gz"
    cut = damaged_warc(broken)
    caplog.set_level(logging.INFO)
    result = CliRunner().invoke(app, ["backfill", "--warc", str(broken), "--db", str(tmp_path / "m.duckdb")])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line == (f"mediamon: error: {broken}: damaged from byte {cut} (the file ends inside the gzip member "
                    f"starting at byte {cut}); nothing after it could be read; 2 records read, 2 ingested")
    # what was read is reported file by file all the same
    assert "WARC files" in result.stdout and "damaged from byte" in result.stdout
    # Prefect's log of the failed flow run, with its traceback, is not shown
    assert not [r for r in caplog.records if r.exc_info and isinstance(r.exc_info[1], InputError)]
    assert "Traceback" not in result.output


def test_an_archive_folder_that_cannot_be_written_is_exit_1_before_any_fetch(tmp_path, monkeypatch):
    (tmp_path / "archive").write_text("a file where the folder should be")
    monkeypatch.setenv("MEDIAMON_ARCHIVE_DIR", str(tmp_path / "archive"))
    (tmp_path / "urls.txt").write_text("http://outlet.example/a\n")
    result = CliRunner().invoke(app, ["backfill", "--urls", str(tmp_path / "urls.txt"), "--db",
                                      str(tmp_path / "m.duckdb")])
    assert result.exit_code == 1
    folder = tmp_path / "archive"
    assert result.stderr.strip() == f"mediamon: error: cannot write the raw archive in {folder}: File exists"


@pytest.mark.parametrize("args, message", [
    (["backfill", "--warc", "missing.warc.gz"], "WARC file not found: missing.warc.gz"),
    (["backfill", "--warc", "x.warc.gz", "--since", "2020-02-30"], "--since '2020-02-30' is not a date (YYYY-MM-DD)"),
    (["backfill", "--urls", "u.txt", "--until", "2020-01-01"], "--since and --until go with --warc"),
    (["backfill", "--urls", "u.txt", "--warc", "x.warc.gz"], "backfill takes --urls FILE or --warc FILE..., not both"),
    (["backfill", "--warc", "x.warc.gz", "--since", "2020-05-02", "--until", "2020-05-01"],
     "--since 2020-05-02 is after --until 2020-05-01"),
    (["backfill", "--warc", "empty"], "no WARC or ARC files in empty"),
    (["backfill", "--warc", "crawls/*.warc.gz"], "no WARC file matches crawls/*.warc.gz"),
    (["reprocess", "--since", "May 2020"], "--since 'May 2020' is not a date (YYYY-MM-DD)"),
    (["reprocess", "--db", "none.duckdb"], "no database at none.duckdb: nothing to reprocess"),
])
def test_bad_usage_is_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not a WARC file")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and result.stderr.strip() == f"mediamon: error: {message}"
