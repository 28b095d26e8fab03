"""Which files an import takes: named files as given, folders searched for .eml and .msg files."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

EMAIL_SUFFIXES = (".eml", ".msg")
# Subfolders a watched folder sorts files into; a recursive import of that folder skips them.
SORTED_FOLDERS = ("imported", "quarantine")


def is_email_name(path: Path) -> bool:
    return path.suffix.lower() in EMAIL_SUFFIXES and not path.name.startswith(".")


def email_files(paths: Iterable[str | Path]) -> list[Path]:
    """Named files as they are (whatever their suffix); folders recursively, email files only, sorted."""
    found: dict[Path, None] = {}
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SORTED_FOLDERS)
                for name in sorted(files):
                    candidate = Path(root) / name
                    if is_email_name(candidate):
                        found.setdefault(candidate, None)
        else:
            found.setdefault(path, None)
    return list(found)


def move_aside(path: Path, folder: Path) -> Path:
    """Move into ``folder`` (created), never over an existing file: ``name (2).eml`` and so on."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    counter = 2
    while target.exists():
        target = folder / f"{path.stem} ({counter}){path.suffix}"
        counter += 1
    shutil.move(str(path), target)
    return target
