"""Every failure a user is told about, each with its exit status.

A command catches ``MediamonError`` and prints its message on one line (``mediamon: error: ...``),
then exits with ``exit_code``: 2 for bad usage or unreadable input, 1 when the run itself could not
complete. Anything else escaping a command is a bug.
"""
from __future__ import annotations


class MediamonError(Exception):
    """A failure reported to the user in one line; the run could not complete (exit 1)."""

    exit_code = 1


class InputError(MediamonError):
    """Input we cannot read (a file, a folder, a value); the message is one line for the user (exit 2)."""

    exit_code = 2


class SettingsError(InputError, ValueError):
    """A setting has a value we cannot use (bad usage: exit 2)."""


class ArchiveUnreadable(InputError):
    """Some WARC records could not be read; everything readable was ingested (exit 2).

    ``lines``: what the user is told, one line per damaged file (default: the message); ``report``:
    the run's report (what was read and stored), for the command's summary."""

    def __init__(self, message: str, lines: tuple[str, ...] = (), report: object | None = None) -> None:
        super().__init__(message)
        self.lines = lines or (message,)
        self.report = report


class WarehouseError(MediamonError):
    """The warehouse cannot be used; the message is one line for the user (exit 1)."""


class DatabaseUnavailable(WarehouseError):
    """The database cannot be written now: its folder is missing or read-only, permission is denied,
    another process holds it, the disk is full (exit 1)."""


class DatabaseUnusable(WarehouseError):
    """The path given as the database is not one this mediamon can use: a folder, a file that is not
    DuckDB, a database with no mediamon data or with a schema of another version (bad input: exit 2)."""

    exit_code = 2


class ForeignDatabase(DatabaseUnusable):
    """A DuckDB database that mediamon did not create: it is never written (exit 2)."""


class SchemaTooNew(DatabaseUnusable):
    """The database was written by a newer mediamon (exit 2)."""


class ArchiveUnavailable(MediamonError):
    """The raw archive cannot be written (folder not writable, disk full): the run stops (exit 1)."""


class ShardsIncomplete(MediamonError):
    """Some shards could not be completed in their attempts (exit 1); landed shards are kept."""


class Interrupted(MediamonError):
    """Ctrl-C or SIGTERM: the run stopped early; what was fetched before is stored (exit 130)."""

    exit_code = 130


class PrefectUnavailable(MediamonError):
    """Prefect's server could not be started or reached (exit 1)."""
