"""Typed server settings: defaults from PROTOCOL.md, overridable by flags, environment and tests."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import platformdirs

APP_NAME = "helpdesk-server"
ENV_DATA_DIR = "HELPDESK_SERVER_DATA_DIR"
ENV_DATABASE_URL = "HELPDESK_SERVER_DATABASE_URL"
ENV_SECRET = "HELPDESK_SERVER_SECRET"
# For end-to-end tests that need short-lived tokens or a tiny change log from a real process.
ENV_ACCESS_TOKEN_TTL = "HELPDESK_SERVER_ACCESS_TOKEN_TTL"
ENV_CHANGE_RETENTION = "HELPDESK_SERVER_CHANGE_RETENTION"
# Where attachment bytes live (default <data dir>/blobs); every process behind one database needs the same.
ENV_BLOB_DIR = "HELPDESK_SERVER_BLOB_DIR"
DATABASE_FILE = "helpdesk-server.sqlite3"
SECRET_FILE = "server-secret"


@dataclass(frozen=True)
class Argon2Cost:
    """argon2id parameters; the defaults are argon2-cffi's (RFC 9106 low-memory profile)."""

    time_cost: int = 3
    memory_cost_kib: int = 65536
    parallelism: int = 4


@dataclass(frozen=True)
class ServerSettings:
    data_dir: Path
    database_url: str
    jwt_secret: str
    access_token_ttl: timedelta = timedelta(minutes=15)
    refresh_token_ttl: timedelta = timedelta(days=30)
    refresh_grace: timedelta = timedelta(seconds=60)
    login_max_failures: int = 5
    login_window: timedelta = timedelta(seconds=60)
    change_retention: timedelta = timedelta(days=30)
    pull_limit_default: int = 500
    pull_limit_max: int = 1000
    bootstrap_limit_default: int = 1000
    bootstrap_limit_max: int = 5000
    argon2: Argon2Cost = Argon2Cost()
    blob_dir: Path | None = None  # None: <data_dir>/blobs
    blob_max_bytes: int = 100 * 1024 * 1024
    upload_chunk_max_bytes: int = 8 * 1024 * 1024
    upload_retention: timedelta = timedelta(days=7)  # an upload untouched this long is dropped with its part

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def blobs_root(self) -> Path:
        return self.blob_dir or self.data_dir / "blobs"


def resolve_data_dir(data_dir: str | Path | None = None) -> Path:
    """``--data-dir`` beats ``HELPDESK_SERVER_DATA_DIR`` beats the platform's per-user data directory."""
    chosen = data_dir or os.environ.get(ENV_DATA_DIR) or platformdirs.user_data_dir(APP_NAME, appauthor=False)
    path = Path(chosen).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{data_dir / DATABASE_FILE}"


def load_secret(data_dir: Path) -> str:
    """``HELPDESK_SERVER_SECRET``, else the secret file in the data dir (made once, readable by the owner only)."""
    from_env = os.environ.get(ENV_SECRET)
    if from_env:
        return from_env
    path = data_dir / SECRET_FILE
    try:
        # O_EXCL: two processes starting together on one data dir end up with the same secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()


def _seconds(name: str) -> timedelta | None:
    raw = os.environ.get(name)
    return timedelta(seconds=float(raw)) if raw else None


def settings_from_environment(data_dir: str | Path | None = None, database_url: str | None = None) -> ServerSettings:
    directory = resolve_data_dir(data_dir)
    url = database_url or os.environ.get(ENV_DATABASE_URL) or sqlite_url(directory)
    overrides: dict[str, timedelta] = {}
    if ttl := _seconds(ENV_ACCESS_TOKEN_TTL):
        overrides["access_token_ttl"] = ttl
    if retention := _seconds(ENV_CHANGE_RETENTION):
        overrides["change_retention"] = retention
    blob_dir = os.environ.get(ENV_BLOB_DIR)
    return ServerSettings(
        data_dir=directory,
        database_url=url,
        jwt_secret=load_secret(directory),
        blob_dir=Path(blob_dir).expanduser().resolve() if blob_dir else None,
        **overrides,  # type: ignore[arg-type]
    )
