"""`mediamon backfill --warc` as a user runs it, in a process of its own: a folder of others' WARC and ARC
files (old and new formats, one gzip stream, members out of step with records, a cut download, a
corrupt member, a compression it cannot read). Undamaged files exit 0 with every HTML response
stored; damaged ones exit 2 with one line each; no traceback from any layer, Prefect's included."""
import gzip
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from mediamon.arguments import named_warc_files
from testkit import warcs
from warehouse.db import open_snapshot

PAGES = warcs.pages(12)
HTML_PER_FILE = 2


def _group(n):
    return PAGES[n * HTML_PER_FILE : (n + 1) * HTML_PER_FILE]


def undamaged_files():
    """name -> (bytes, URLs of its HTML responses)"""
    quirky = [replace(p, date_text=d) for p, d in zip(_group(2), ["2008-10-294T05:21:46-0700", "2009-03-65T08:43"])]
    plain = warcs.warc(_group(3), compress=False, requests=False)
    return {
        "old/crawl.arc": (warcs.arc(_group(0)).data, _group(0)),
        "plain.warc": (warcs.warc(_group(1), compress=False).data, _group(1)),
        "research/clueweb.warc": (warcs.lf_only(warcs.warc(quirky, compress=False, version="0.18").data), quirky),
        "members.warc.gz": (warcs.regrouped(plain, [plain.offsets[1] + 300]).data, _group(3)),
        "whole.warc.gz": (gzip.compress(warcs.warc(_group(4), compress=False).data), _group(4)),
    }


def damaged_files():
    """name -> (bytes, the byte the damage starts at)"""
    cut = warcs.warc(_group(5), requests=False)
    made = warcs.warc(PAGES[:3], requests=False)
    corrupt, start = bytearray(made.data), made.offsets[1]
    corrupt[start + 100 : start + 140] = bytes(40)  # zeroes in the second record's gzip member
    return {
        "cut.warc.gz": (cut.data[: cut.offsets[1] + 420], cut.offsets[1]),
        "corrupt.warc.gz": (bytes(corrupt), start),
        "new/crawl.warc.lz4": (b"\x04\x22\x4d\x18" + bytes(200), 0),
    }


def make(folder, made):
    for name, (data, _) in made.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def mediamon(cwd, *args, env):
    env = {**os.environ, "MEDIAMON_CPU_WORKERS": "1", **env}
    return subprocess.run([sys.executable, "-m", "mediamon.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600, cwd=cwd)


def stored(db):
    with open_snapshot(db) as con:
        return con.execute("SELECT url, outcome FROM fetches").fetchall()


@pytest.mark.slow
def test_a_folder_of_real_world_files_exit_status_lines_and_no_traceback(tmp_path, loopback_env, cli_prefect):
    good, bad = undamaged_files(), damaged_files()
    make(tmp_path / "all", {**good, **bad})
    db = tmp_path / "all.duckdb"

    mixed = mediamon(tmp_path, "backfill", "--warc", "all", "--db", str(db), env=cli_prefect)
    assert mixed.returncode == 2, mixed.stderr
    assert "Traceback" not in mixed.stderr + mixed.stdout
    lines = mixed.stderr.strip().splitlines()
    assert len(lines) == len(bad)  # one line per damaged file, nothing else
    for name, (_, at) in bad.items():
        [line] = [line for line in lines if line.startswith(f"mediamon: error: all/{name}: ")]
        assert f": damaged from byte {at} (" in line and "()" not in line
    for name in {**good, **bad}:
        assert f"all/{name}" in mixed.stdout  # every file in the table at the end
    ok = {url for url, outcome in stored(db) if outcome == "ok"}
    assert {p.url for _, pages in good.values() for p in pages} <= ok

    make(tmp_path / "good", good)
    clean = tmp_path / "clean.duckdb"
    result = mediamon(tmp_path, "backfill", "--warc", "good/**/*.*arc*", "--db", str(clean), env=cli_prefect)
    assert (result.returncode, result.stderr) == (0, "")
    assert sorted(stored(clean)) == sorted((p.url, "ok") for _, pages in good.values() for p in pages)

    again = mediamon(tmp_path, "reprocess", "--db", str(clean), env=cli_prefect)  # reads back, from these files, what the backfill stored
    assert (again.returncode, again.stderr) == (0, "")


def test_warc_arguments_name_files_folders_and_patterns(tmp_path, monkeypatch):
    for name in ("a/x.warc.gz", "a/b/y.arc", "a/b/notes.txt", "c.warc", "d.warc.lz4"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    found = named_warc_files([tmp_path / "a", tmp_path / "c.warc", tmp_path / "*.warc*", tmp_path / "a" / "**" / "*.arc"])
    assert [str(p.relative_to(tmp_path)) for p in found] == ["a/b/y.arc", "a/x.warc.gz", "c.warc", "d.warc.lz4"]
