"""Shared fixtures: the real corpus in ../shared, a loopback server, isolated Prefect and settings."""
from __future__ import annotations

import atexit
import gzip
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

import flows  # noqa: F401  (imported before Prefect, as a user's import is: its start-up defaults)
from testkit.loopback import LoopbackServer, Reply

ROOT = Path(__file__).resolve().parent.parent
PREFECT = [sys.executable, "-m", "prefect"]
SHARED = Path(os.environ.get("MEDIAMON_SHARED", ROOT.parent / "shared"))
AEB = SHARED / "corpus" / "aeb"


def _session_folder(variable: str, prefix: str) -> None:
    """``variable`` names a temporary folder for the test session, removed when it ends (unless the
    caller set it)."""
    if variable not in os.environ:
        folder = tempfile.mkdtemp(prefix=prefix)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ[variable] = folder


# Prefect: its own home for the test session, telemetry off, quiet console.
_session_folder("PREFECT_HOME", "mediamon-prefect-")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Dead links never reach the Internet Archive from a test: the fallback's tests turn it on against a
# local stand-in (tests/fetch/test_wayback.py).
os.environ.setdefault("MEDIAMON_WAYBACK", "off")
# Runs that name no archive folder (CLI subprocesses, the deployed worker) write their WARC files here,
# not into the checkout.
_session_folder("MEDIAMON_ARCHIVE_DIR", "mediamon-archive-")


def needs_shared(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"needs {path} (the shared corpus beside the checkout; absent here)")


@pytest.fixture(scope="session")
def aeb_pages() -> dict[str, dict]:
    """The 181 article-extraction-benchmark pages: id -> {html: bytes, articleBody, url}."""
    needs_shared(AEB / "ground-truth.json")
    truth = json.loads((AEB / "ground-truth.json").read_text("utf-8"))
    return {key: {**value, "html": gzip.decompress((AEB / "html" / f"{key}.html.gz").read_bytes())}
            for key, value in truth.items()}


@pytest.fixture
def file_storage(monkeypatch):
    """The warehouse on a DuckDB file whatever ``MEDIAMON_STORAGE`` says: for the tests of the file
    itself (its migrations, its publish copy, its working copy, DuckDB's errors on it)."""
    monkeypatch.setenv("MEDIAMON_STORAGE", "file")


@pytest.fixture
def server():
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def loopback_env(monkeypatch, tmp_path):
    """Settings for runs against the loopback server: 127.0.0.1 allowed, no pacing, short timeouts."""
    monkeypatch.setenv("MEDIAMON_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setenv("MEDIAMON_PER_HOST_DELAY", "0")
    monkeypatch.setenv("MEDIAMON_PER_HOST_CONCURRENCY", "8")
    monkeypatch.setenv("MEDIAMON_READ_TIMEOUT", "5")
    monkeypatch.setenv("MEDIAMON_TOTAL_TIMEOUT", "10")
    monkeypatch.setenv("MEDIAMON_DB", str(tmp_path / "test.duckdb"))
    monkeypatch.setenv("MEDIAMON_ARCHIVE_DIR", str(tmp_path / "archive"))
    return tmp_path


def serve_aeb(server: LoopbackServer, pages: dict[str, dict]) -> dict[str, str]:
    """Serve every benchmark page at /aeb/<id>.html; return URL -> page id."""
    urls = {}
    for key, page in pages.items():
        url = server.route(f"/aeb/{key}.html", Reply(200, page["html"], {"Content-Type": "text/html; charset=utf-8"}))
        urls[url] = key
    return urls


_early_server: dict = {}  # "server": the session's Prefect server, launched once the tests are collected


@pytest.hookimpl(trylast=True)  # after -k/-m have deselected
def pytest_collection_modifyitems(config, items):
    """Launch the session's Prefect server as soon as it is known that a test will use it, so that its
    start-up (15-40 s on a busy machine) overlaps the quick tests instead of delaying the first user."""
    if config.option.collectonly or not any("prefect_server" in item.fixturenames for item in items):
        return
    from testkit.prefect_server import PrefectServer

    _early_server["server"] = PrefectServer(Path(tempfile.mkdtemp(prefix="mediamon-prefect-server-")))


def pytest_unconfigure(config):
    server = _early_server.pop("server", None)
    if server is not None:  # launched, but the session ended before any test asked for it
        server.stop()
    for home in _early_server.pop("homes", ()):
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """A real Prefect server on 127.0.0.1 for the whole session: (api_url, env, home). CLI subprocesses
    given its ``PREFECT_API_URL`` (``cli_prefect``) report to it instead of each starting Prefect's local
    server, as an operator's runs do (docs/operations.md)."""
    from testkit.prefect_server import PrefectServer, run_prefect_server

    server = _early_server.pop("server", None)
    if server is not None:
        _early_server.setdefault("homes", []).append(server.home)
    else:
        server = PrefectServer(tmp_path_factory.mktemp("prefect-server"))
    yield from run_prefect_server(server)


@pytest.fixture
def cli_prefect(prefect_server) -> dict[str, str]:
    """Environment for a `mediamon` subprocess that reports to the session's Prefect server. Tests whose
    point is Prefect's local server (tests/test_first_run.py, Ctrl-C in tests/test_interrupt.py) leave it out."""
    api, _, _ = prefect_server
    return {"PREFECT_API_URL": api}


@pytest.fixture
def make_unwritable():
    """``make_unwritable(path)``: a folder in which nothing can be created or replaced, or a file that
    cannot be replaced. A folder is made read-only by chmod where that binds (not root), else by a
    read-only bind mount (root, as in CI: what a read-only volume does, EROFS); a file, or a folder
    where mounting is not allowed, by the immutable attribute (``chattr +i``, EPERM); where none is
    possible the test is skipped. Undone at teardown."""
    import shutil
    import subprocess

    undo = []

    def folder_is_writable(folder: Path) -> bool:
        probe = folder / ".write-probe"
        try:
            probe.touch()
        except OSError:
            return False
        probe.unlink()
        return True

    def run(*command: str) -> bool:
        return bool(shutil.which(command[0])) and subprocess.run(command, capture_output=True).returncode == 0

    def make(path: Path) -> Path:
        path = Path(path)
        if path.is_dir():
            mode = path.stat().st_mode
            path.chmod(0o555)
            undo.append(lambda: path.chmod(mode))
            if not folder_is_writable(path):
                return path
            # root: a read-only bind mount, i.e. a read-only volume (EROFS), where the system allows it
            if run("mount", "--bind", str(path), str(path)):
                undo.append(lambda: run("umount", str(path)))
                if run("mount", "-o", "remount,bind,ro", str(path)) and not folder_is_writable(path):
                    return path
        if run("chattr", "+i", str(path)):
            undo.append(lambda: run("chattr", "-i", str(path)))
            return path
        pytest.skip(f"cannot make {path} unwritable here (chmod does not bind and chattr +i is refused)")

    yield make
    for step in reversed(undo):
        step()
