"""What support needs to know about this installation, as plain text to paste into a ticket.

Qt-free: the view adds the Qt versions and the sync status it fetched on the worker. Never
includes passwords or tokens (the keyring holds those; nothing here reads it).
"""

from __future__ import annotations

import platform
import sqlite3
import sys
from collections.abc import Mapping
from pathlib import Path

from desktop_app import __version__
from desktop_app.db.revisions import HEAD_REVISION
from desktop_app.log_files import last_lines
from desktop_app.paths import AppPaths, resources_dir
from desktop_app.sync.dtos import SyncStatus

LOG_LINES = 40


def schema_revision(database: Path) -> str:
    """The Alembic revision stamped in the file, read-only, without SQLAlchemy."""
    if not database.exists():
        return "no database yet"
    try:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=2)
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        return f"unreadable ({exc})"
    return row[0] if row else "not stamped"


def sync_lines(status: SyncStatus | None) -> list[str]:
    if status is None:
        return ["Sync: not loaded yet"]
    if status.offline_only:
        return ["Sync: offline only (no server configured)"]
    return [
        f"Sync: {status.health.value} — server {status.server_url}, user {status.username or '-'}, "
        f"{'signed in' if status.logged_in else 'signed out'}",
        f"  pending {status.pending}, refused {status.errors}, conflicts {status.conflicts}, "
        f"unnumbered {status.pending_numbers}, numbers left {status.leased_numbers_left}",
        f"  last sync {_when(status.last_sync_at)}, last push {_when(status.last_push_at)}",
        f"  last error: {status.last_error_code or '-'} {status.last_error or ''} ({_when(status.last_error_at)})",
    ]


def diagnostics_text(
    paths: AppPaths,
    *,
    runtime: Mapping[str, str],
    sync: SyncStatus | None,
    log_file: Path | None,
    log_lines: int = LOG_LINES,
) -> str:
    """The whole report. ``runtime`` names extra versions (Qt, PySide6, platform plugin)."""
    database = paths.database
    size = f"{database.stat().st_size:,} bytes" if database.exists() else "missing"
    lines = [
        f"Help Desk {__version__}",
        f"Python {platform.python_version()} ({platform.python_implementation()}) on {platform.platform()}",
        *(f"{name}: {value}" for name, value in runtime.items()),
        f"Executable: {sys.executable}{' (bundle)' if getattr(sys, 'frozen', False) else ''}",
        f"Data directory: {paths.data_dir}",
        f"Database: {database} ({size})",
        f"Schema revision: {schema_revision(database)} (this version expects {HEAD_REVISION})",
        f"Log file: {log_file or 'not configured'}",
        f"Resources: {resources_dir()}",
        *sync_lines(sync),
        "",
        f"--- last {log_lines} log lines ---",
        *last_lines(log_file, log_lines),
    ]
    return "\n".join(lines) + "\n"


def _when(moment: object) -> str:
    return "never" if moment is None else str(moment)
