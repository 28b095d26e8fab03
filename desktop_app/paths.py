"""Where data, logs and the program's own files live.

Data and logs: the per-user dirs, unless a flag or variable says otherwise. The program's files
(icons, stylesheet, migrations) are found by the one helper below in a checkout, an installed
wheel and a frozen (PyInstaller) bundle alike.
"""

from __future__ import annotations

import os
import site
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "helpdesk"
ENV_DATA_DIR = "HELPDESK_DATA_DIR"
ENV_LOG_DIR = "HELPDESK_LOG_DIR"
PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    log_dir: Path | None = None  # None: data_dir/logs (a chosen data dir keeps its logs beside it)

    @property
    def database(self) -> Path:
        return self.data_dir / "helpdesk.sqlite3"

    @property
    def backups(self) -> Path:
        return self.data_dir / "backups"

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.json"

    @property
    def logs(self) -> Path:
        return self.log_dir or self.data_dir / "logs"


def resolve_paths(data_dir: str | Path | None = None) -> AppPaths:
    """``--data-dir`` beats ``HELPDESK_DATA_DIR`` beats the platform's per-user data directory."""
    chosen = data_dir or os.environ.get(ENV_DATA_DIR)
    path = Path(chosen or platformdirs.user_data_dir(APP_NAME, appauthor=False)).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    log_dir = os.environ.get(ENV_LOG_DIR) or (None if chosen else platformdirs.user_log_dir(APP_NAME, appauthor=False))
    return AppPaths(path, Path(log_dir).expanduser().resolve() if log_dir else None)


def resources_dir() -> Path:
    """Icons, stylesheet and desktop files: the bundle's copy when frozen, the checkout's
    ``resources/``, else what the wheel installed under ``<prefix>/share/helpdesk/resources``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    checkout = PACKAGE_DIR.parent / "resources"
    if (checkout / "icons").is_dir():
        return checkout
    for prefix in (sys.prefix, site.getuserbase()):
        installed = Path(prefix) / "share" / APP_NAME / "resources"
        if installed.is_dir():
            return installed
    return checkout


def migrations_dir() -> Path:
    """The client's Alembic scripts: package data in a wheel, copied beside the package when frozen."""
    return PACKAGE_DIR / "db" / "migrations"
