"""Keeping a lake's files few: what the writer does at the end of a run (and at each publish interval
of a long backfill), in place of publishing a copy.

Every batch commit writes one Parquet file per table it touched, and its deletes (delete-then-insert
of a re-fetched article, a cluster rewritten) write delete files; readers pay per file. ``compact``
merges the small files of each table into larger ones, rewrites files that carry many deleted rows,
then forgets snapshots older than ``keep`` and removes the files only they used, and the files of
a commit that never happened (a writer killed while writing a batch: the catalog, its only record,
was not committed). The writer holds the lake's lock, so no other commit is in flight. A session that
stays open longer than ``keep`` may then find a file of its snapshot gone: ``keep`` is the time
travel analysts get ("the warehouse as of run N") and the longest an analyst session stays valid.
"""
from __future__ import annotations

from datetime import timedelta

import duckdb

from warehouse.lake import ALIAS, KEEP_DAYS

KEEP_SNAPSHOTS = timedelta(days=KEEP_DAYS)
# Only files smaller than this are merged: a run merges what its batches wrote, never rewrites the large
# files of earlier runs (DuckLake's default, 512 MB, rewrote whole tables at every run's end, and the
# replaced copies stay on disk as long as the snapshots that use them: a second copy a run, for a week)
SMALL_FILE_BYTES = 16 * 2**20


def compact(con: duckdb.DuckDBPyConnection, keep: timedelta = KEEP_SNAPSHOTS) -> None:
    """Merge small files, rewrite files heavy with deletes, expire snapshots older than ``keep`` and
    delete the files nothing references any more (nor ever did)."""
    con.execute("CALL ducklake_merge_adjacent_files($db, max_file_size => $small)",
                {"db": ALIAS, "small": SMALL_FILE_BYTES})
    con.execute("CALL ducklake_rewrite_data_files($db)", {"db": ALIAS})
    older_than = {"db": ALIAS, "seconds": keep.total_seconds()}
    con.execute("CALL ducklake_expire_snapshots($db, older_than => now() - to_seconds($seconds))", older_than)
    con.execute("CALL ducklake_cleanup_old_files($db, older_than => now() - to_seconds($seconds))", older_than)
    con.execute("CALL ducklake_delete_orphaned_files($db, cleanup_all => true)", {"db": ALIAS})

