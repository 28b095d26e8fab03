"""Messages the import refused: the original kept aside under the data directory, with the reason."""

from __future__ import annotations

import hashlib
import re
import shutil
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.domain.errors import NotFoundError
from desktop_app.domain.mail import QuarantineEntry
from desktop_app.models import QuarantinedMail
from desktop_app.services.transaction import ServiceBase, ServiceEnv

REASON_MAX = 1000
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+")


def quarantine_root(data_dir: Path) -> Path:
    return data_dir / "mail-quarantine"


class QuarantineStore(ServiceBase):
    def __init__(self, env: ServiceEnv, folder: Path) -> None:
        super().__init__(env)
        self.folder = folder

    def keep(
        self,
        source: str,
        reason: str,
        *,
        file: Path | None = None,
        data: bytes | None = None,
        size: int | None = None,
        retry_of: uuid.UUID | None = None,
    ) -> uuid.UUID:
        """Record an entry, or update the one for the same file (a retry, or the same file dropped again).

        The file is copied aside before its row is written, so a row never lacks its file.
        """
        reason = reason if len(reason) <= REASON_MAX else reason[: REASON_MAX - 1] + "…"
        sha256 = _sha256_of(file) if file is not None else hashlib.sha256(data or b"").hexdigest()
        with self._write() as scope:
            entry = (
                _entry(scope.session, retry_of)
                if retry_of is not None
                else scope.session.scalar(select(QuarantinedMail).where(QuarantinedMail.sha256 == sha256))
            )
            if entry is not None:
                entry.reason = reason
                entry.attempts += 1
                entry.last_attempt_at = scope.now
                scope.changed("mail_quarantine", entry.id)
                return entry.id
        entry_id = self._env.ids()
        original_name = Path(source).name or "message.eml"
        self.folder.mkdir(parents=True, exist_ok=True)
        stored = self.folder / f"{entry_id}-{_UNSAFE_NAME.sub('_', original_name)[:120]}"
        if file is not None:
            shutil.copyfile(file, stored)  # streamed: a 60 MB message is never read into memory here
        else:
            stored.write_bytes(data or b"")
        try:
            with self._write() as scope:
                scope.session.add(
                    QuarantinedMail(
                        id=entry_id,
                        sha256=sha256,
                        original_name=original_name[:255],
                        stored_path=str(stored),
                        reason=reason,
                        size=size if size is not None else stored.stat().st_size,
                        attempts=1,
                        created_at=scope.now,
                        last_attempt_at=scope.now,
                    )
                )
                scope.changed("mail_quarantine", entry_id, "created")
        except BaseException:
            stored.unlink(missing_ok=True)
            raise
        return entry_id

    def list(self) -> list[QuarantineEntry]:
        with self._read() as session:
            rows = session.scalars(select(QuarantinedMail).order_by(QuarantinedMail.created_at.desc())).all()
            return [_to_entry(row) for row in rows]

    def get(self, entry_id: uuid.UUID) -> QuarantineEntry:
        with self._read() as session:
            return _to_entry(_entry(session, entry_id))

    def release(self, entry_id: uuid.UUID) -> None:
        """The message was imported after all: forget the entry and its kept file."""
        self.discard(entry_id)

    def discard(self, entry_id: uuid.UUID) -> None:
        with self._write() as scope:
            entry = _entry(scope.session, entry_id)
            stored = Path(entry.stored_path)
            scope.session.delete(entry)
            scope.changed("mail_quarantine", entry_id, "deleted")
        stored.unlink(missing_ok=True)


def _entry(session: Session, entry_id: uuid.UUID) -> QuarantinedMail:
    entry = session.get(QuarantinedMail, entry_id)
    if entry is None:
        raise NotFoundError("That quarantined message is no longer in the list.")
    return entry


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _to_entry(row: QuarantinedMail) -> QuarantineEntry:
    return QuarantineEntry(
        id=row.id,
        original_name=row.original_name,
        stored_path=row.stored_path,
        reason=row.reason,
        size=row.size,
        attempts=row.attempts,
        created_at=row.created_at,
        last_attempt_at=row.last_attempt_at,
    )
