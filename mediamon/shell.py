"""``mediamon sql``: the DuckDB shell on the analyst database, read-only.

The shell is the ``duckdb`` binary of the ``duckdb-cli`` package, pinned to the version of the
``duckdb`` module, so it reads every database file the module writes.
"""
from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from core.errors import MediamonError

_PACKAGE = "duckdb-cli"


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


def shell_arguments(binary: Path, db: Path, command: str | None, extra: list[str]) -> list[str]:
    """The shell's command line: read-only on ``db``, then the user's options."""
    return [str(binary), "-readonly", *extra, *(["-c", command] if command else []), str(db)]


def run_shell(arguments: list[str]) -> int:
    """Replace this process with the shell (its terminal, Ctrl-C and exit status are the shell's own);
    where there is no exec, run it and return its status."""
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(arguments[0], arguments)
    return subprocess.call(arguments)
