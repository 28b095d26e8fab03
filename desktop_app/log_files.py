"""The client's log: one rotating file in the per-user log directory (``AppPaths.logs``).

Qt-free, so the GUI and the CLI can share it. Rotation keeps the folder bounded on PCs that
run the app all day for months: ``helpdesk.log`` plus ``BACKUPS`` older files of ``MAX_BYTES``.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

LOG_FILE_NAME = "helpdesk.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"
_HANDLER_NAME = "helpdesk-file"

log = logging.getLogger(__name__)


def configure_logging(
    log_dir: Path, *, level: int = logging.INFO, max_bytes: int = MAX_BYTES, backups: int = BACKUPS
) -> Path:
    """Send the root logger to ``log_dir/helpdesk.log`` (rotated); return the file's path.

    Called again (tests, a second window in one process) it replaces its own handler rather
    than adding another, so lines are never written twice.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for existing in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(existing)
        existing.close()
    handler = RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=True)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic announces each of its plugins at INFO on every migration: noise in "last log lines".
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    return path


def log_uncaught_exceptions() -> None:
    """Write a crash's traceback to the log as well as to stderr (which a desktop launch discards)."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            log.critical("Uncaught exception", exc_info=(kind, value, tb))
        previous(kind, value, tb)

    sys.excepthook = hook


def current_log_file() -> Path | None:
    """The file the root logger writes to, if ``configure_logging`` ran."""
    for handler in logging.getLogger().handlers:
        if handler.get_name() == _HANDLER_NAME and isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def last_lines(path: Path | None, count: int = 40) -> list[str]:
    """The last ``count`` lines of a log file (empty if it does not exist yet)."""
    if path is None or not path.exists():
        return []
    with path.open("rb") as stream:
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(max(0, size - 64 * 1024))  # lines are short: the tail is enough
        text = stream.read().decode("utf-8", errors="replace")
    return text.splitlines()[-count:]
