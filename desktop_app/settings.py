"""Typed settings with defaults, kept as JSON beside the database (one file, easy to inspect)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from desktop_app.domain.errors import ValidationError
from desktop_app.domain.priority import DEFAULT_MATRIX, LEVELS, PriorityMatrix


def _default_rows() -> list[list[str]]:
    return [[DEFAULT_MATRIX[(i, u)].value for u in LEVELS] for i in LEVELS]


@dataclass
class Settings:
    priority_matrix: list[list[str]] = field(default_factory=_default_rows)
    default_channel: str = "phone"
    queue_page_size: int = 200
    # Email import: larger messages are quarantined unread; a reply reopens a resolved incident;
    # a folder polled for new .eml/.msg files ("" = none).
    mail_size_limit_mb: int = 50
    mail_reopen_resolved: bool = True
    mail_watch_folder: str = ""
    attachment_max_mb: int = 25
    # Replies to reporters: this client's SMTP server ("" = none: open the mail client instead); the
    # password is in the OS keyring (desktop_app/mail/smtp_account.py), never here.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_sender: str = ""

    def matrix(self) -> PriorityMatrix:
        return PriorityMatrix.from_rows(self.priority_matrix)


def load_settings(path: Path) -> Settings:
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"The settings file {path} cannot be read ({exc}); fix or delete it.") from exc
    if not isinstance(raw, dict):
        raise ValidationError(f"The settings file {path} must hold a JSON object; fix or delete it.")
    known = {k: v for k, v in raw.items() if k in Settings.__dataclass_fields__}
    settings = Settings(**known)
    try:
        settings.matrix()  # validate now, not at the first call
    except TypeError as exc:  # e.g. a number where the rows of the matrix belong
        raise ValidationError(f"The settings file {path} holds a malformed priority matrix; fix or delete it.") from exc
    return settings


def save_settings(path: Path, settings: Settings) -> None:
    """Write to a temp file and rename, so a crash or a full disk never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(settings), handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
