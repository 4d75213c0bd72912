"""``mediamon sql``: the DuckDB shell on the warehouse's current snapshot, read-only.

The shell is the ``duckdb`` binary of the ``duckdb-cli`` package, pinned to the version of the
``duckdb`` module. It starts on an in-memory database and first runs the lines ``attach_lines``
gives: load the DuckLake and SQLite extensions from their packages, attach the lake read-only as
``mediamon`` and look names up in it, so the analysts' views answer by their names (with
``--workspace FILE``, the analyst's own DuckDB file is attached read-write as ``workspace`` and
takes what they create). The same lines open the warehouse from Python, pandas or
DBeaver (``mediamon sql --print-attach``).
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from importlib import metadata
from pathlib import Path

from core.errors import MediamonError

_PACKAGE = "duckdb-cli"
WORKSPACE = "workspace"  # the name the analyst's own DuckDB file is attached under


def shell_binary() -> Path:
    """The DuckDB shell installed with mediamon, checked to match the installed duckdb module."""
    import duckdb

    try:
        import duckdb_cli
        version = metadata.version(_PACKAGE)
    except (ImportError, metadata.PackageNotFoundError):
        raise MediamonError(f"the DuckDB shell is not installed: pip install {_PACKAGE}=={duckdb.__version__}") from None
    if version != duckdb.__version__:
        raise MediamonError(f"{_PACKAGE} {version} does not match duckdb {duckdb.__version__} (mediamon pins the "
                            f"shell to its module): pip install {_PACKAGE}=={duckdb.__version__}")
    binary = Path(duckdb_cli.__file__).resolve().parent / ("duckdb.exe" if sys.platform == "win32" else "duckdb")
    if not binary.is_file():
        raise MediamonError(f"the DuckDB shell binary is missing from {binary.parent}: "
                            f"pip install --force-reinstall {_PACKAGE}=={version}")
    return binary


def attach_lines(folder: Path, workspace: Path | None = None, as_of: datetime | None = None) -> list[str]:
    """The SQL that opens the lake ``folder`` read-only in a DuckDB session: its extensions loaded by
    path, the lake attached as ``mediamon`` (``as_of``: as it was then); unqualified names are the
    lake's (with a ``workspace``, the analyst's own file is searched first and takes what is created)."""
    from warehouse import lake

    loads = [f"LOAD '{lake.extension_file(package, name)}';" for package, name in lake.EXTENSIONS]
    attach = f"{lake.attach_statement(folder, read_only=True, as_of=as_of)};"
    if workspace is None:
        return [*loads, attach, f"USE {lake.ALIAS};"]
    own = str(workspace.resolve()).replace("'", "''")
    return [*loads, attach, f"ATTACH '{own}' AS {WORKSPACE};", f"USE {WORKSPACE};",
            f"SET search_path = '{WORKSPACE}.main,{lake.ALIAS}.main';"]


def shell_arguments(binary: Path, folder: Path, command: str | None, extra: list[str],
                    workspace: Path | None = None, as_of: datetime | None = None) -> list[str]:
    """The shell's command line: the lake attached read-only (``attach_lines``), the user's options,
    on an in-memory session; the workspace, when given, attached read-write (the analyst's own tables)."""
    opening = [part for line in attach_lines(folder, workspace, as_of) for part in ("-cmd", line)]
    return [str(binary), *opening, *extra, *(["-c", command] if command else [])]


def file_shell_arguments(binary: Path, db: Path, command: str | None, extra: list[str]) -> list[str]:
    """The shell's command line on a DuckDB-file warehouse (``MEDIAMON_STORAGE=file``): read-only on ``db``."""
    return [str(binary), "-readonly", *extra, *(["-c", command] if command else []), str(db)]


def run_shell(arguments: list[str]) -> int:
    """Replace this process with the shell (its terminal, Ctrl-C and exit status are the shell's own);
    where there is no exec, run it and return its status."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(arguments[0], arguments)
    return subprocess.call(arguments)
