"""The watched folder: email files dropped into it are imported, then moved to imported/ or quarantine/."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from desktop_app.domain.mail import SETTLE_SECONDS, ImportOutcome, ImportResult
from desktop_app.mail.files import is_email_name, move_aside

IMPORTED = "imported"
QUARANTINE = "quarantine"


class FileImporter(Protocol):
    def import_file(self, path: str | Path) -> ImportOutcome: ...


def settled_email_files(folder: Path, *, now: float | None = None) -> list[Path]:
    """Email files directly in the folder (not its subfolders) that nobody is still writing, oldest first."""
    moment = time.time() if now is None else now
    found = []
    for path in folder.iterdir():
        try:
            stat = path.stat()
        except OSError:
            continue  # moved away meanwhile
        if path.is_file() and is_email_name(path) and moment - stat.st_mtime >= SETTLE_SECONDS:
            found.append((stat.st_mtime, path.name, path))
    return [path for _, _, path in sorted(found)]


def sweep_folder(
    mail: FileImporter,
    folder: Path,
    *,
    now: float | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[ImportOutcome]:
    """Import what is waiting; a failure that is not the message's fault leaves the file for the next sweep."""
    if not folder.is_dir():
        return []
    outcomes = []
    for path in settled_email_files(folder, now=now):
        if cancelled is not None and cancelled():
            break
        outcome = mail.import_file(path)
        outcomes.append(outcome)
        if outcome.result == ImportResult.FAILED:
            continue
        target = QUARANTINE if outcome.result == ImportResult.QUARANTINED else IMPORTED
        try:
            move_aside(path, folder / target)
        except OSError:
            continue  # the next sweep finds it again: a duplicate (or the same quarantine entry), no harm
    return outcomes
