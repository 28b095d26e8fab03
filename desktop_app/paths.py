"""Where data and configuration live: the per-user dirs, unless a flag or variable says otherwise."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "helpdesk"
ENV_DATA_DIR = "HELPDESK_DATA_DIR"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path

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
        return self.data_dir / "logs"


def resolve_paths(data_dir: str | Path | None = None) -> AppPaths:
    """``--data-dir`` beats ``HELPDESK_DATA_DIR`` beats the platform's per-user data directory."""
    chosen = data_dir or os.environ.get(ENV_DATA_DIR) or platformdirs.user_data_dir(APP_NAME, appauthor=False)
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return AppPaths(path)
