"""Attaching files and screenshots to incidents: validate, store the blob, write the row, queue sync.

The blob is written (temp file, fsync, rename) before the row's transaction commits, so a row never
points at missing bytes; a blob this call created is removed again when the transaction fails.
Rows are append-only; removal is a tombstone (the bytes may be shared with other incidents).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.capture.blob_store import BlobStore
from desktop_app.capture.images import Frame
from desktop_app.capture.prepare import Kind, Prepared, prepare
from desktop_app.capture.rules import AttachmentPolicy
from desktop_app.capture.thumbnails import ThumbnailCache
from desktop_app.domain.attachments import AttachmentInfo
from desktop_app.domain.enums import Status
from desktop_app.domain.errors import NotFoundError, ReadOnlyIncidentError, ValidationError
from desktop_app.domain.ids import format_number, parse_number
from desktop_app.domain.limits import NOTE_MAX, clean_text
from desktop_app.domain.status_machine import is_read_only
from desktop_app.models import Agent, Attachment, Incident
from desktop_app.services.transaction import ServiceBase, ServiceEnv, WriteScope


class AttachmentService(ServiceBase):
    def __init__(
        self, env: ServiceEnv, blobs: BlobStore, thumbnails: ThumbnailCache, policy: AttachmentPolicy | None = None
    ) -> None:
        super().__init__(env)
        self.blobs = blobs
        self.thumbnails = thumbnails
        self.policy = policy or AttachmentPolicy()

    # --- writes --------------------------------------------------------------------------

    def add(
        self,
        incident_id: uuid.UUID,
        data: bytes | Path | Frame,
        display_name: str,
        *,
        caption: str | None = None,
        kind: Kind = "file",
        size_budget: int | None = None,
        strip_metadata: bool = False,
    ) -> AttachmentInfo:
        """Validate and store one file or screenshot; on any error nothing is stored."""
        clean_caption = _caption(caption)
        prepared = prepare(
            data, display_name, policy=self.policy, kind=kind, size_budget=size_budget, strip=strip_metadata
        )
        with self._stored(prepared) as sha256, self._write() as scope:
            incident = _incident(scope.session, incident_id)
            _check_writable(incident)
            return self._insert(scope, incident, sha256, prepared, clean_caption)

    def attach_in(
        self,
        scope: WriteScope,
        incident_id: uuid.UUID,
        data: bytes,
        display_name: str,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
    ) -> AttachmentInfo:
        """Attach inside another service's transaction (email import); the caller commits.

        The incident may be read-only here: an email about a closed incident is still evidence.
        If the caller's transaction rolls back, the blob stays as an unreferenced file.
        """
        clean_caption = _caption(caption)
        prepared = prepare(data, display_name, policy=self.policy, claimed_mime=mime_type)
        sha256 = self.blobs.put_bytes(prepared.data)
        self._thumbnail(sha256, prepared)
        incident = _incident(scope.session, incident_id)
        return self._insert(scope, incident, sha256, prepared, clean_caption)

    def remove(self, attachment_id: uuid.UUID) -> AttachmentInfo:
        with self._write() as scope:
            attachment = _attachment(scope.session, attachment_id)
            incident = _incident(scope.session, attachment.incident_id)
            _check_writable(incident)
            if attachment.removed_at is None:
                attachment.removed_at = scope.now
                attachment.removed_by = scope.actor_id
                mutation_id = scope.enqueue("remove_attachment", incident.id, {"attachment_id": attachment.id})
                scope.audit(incident.id, "attachment", attachment.display_name, None, mutation_id)
                incident.updated_at = scope.now
                scope.changed("incident", incident.id)
                scope.changed("attachment", attachment.id, "deleted")
            scope.session.flush()
            return _info(scope.session, attachment)

    def collect_orphans(self, older_than_s: float = 3600.0) -> list[str]:
        """Delete blobs no attachment row refers to (a crash between blob and row, an import rolled back).

        Only files older than ``older_than_s`` seconds (file time): an add in progress writes its
        blob just before its row. Rows removed by a tombstone keep their bytes. Returns the hashes.
        """
        with self._read() as session:
            referenced = set(session.scalars(select(Attachment.sha256).distinct()))
        cutoff = time.time() - older_than_s
        removed = []
        for path in self.blobs.root.glob("*/*/*"):
            if path.name in referenced or path.stat().st_mtime > cutoff:
                continue
            if path.name.startswith(".incoming-"):
                path.unlink(missing_ok=True)  # a write cut short by a crash
            elif self.blobs.remove(path.name):
                self.thumbnails.remove(path.name)
                removed.append(path.name)
        return removed

    # --- reads ---------------------------------------------------------------------------

    def list_for(self, incident_id: uuid.UUID, *, include_removed: bool = False) -> list[AttachmentInfo]:
        stmt = select(Attachment).where(Attachment.incident_id == incident_id)
        if not include_removed:
            stmt = stmt.where(Attachment.removed_at.is_(None))
        with self._read() as session:
            rows = session.scalars(stmt.order_by(Attachment.created_at, Attachment.id)).all()
            return [_info(session, row) for row in rows]

    def get(self, attachment_id: uuid.UUID) -> AttachmentInfo:
        with self._read() as session:
            return _info(session, _attachment(session, attachment_id))

    def find(self, incident_number: int | str, display_name: str) -> AttachmentInfo:
        """The newest live attachment of that name on the incident with that number (for the CLI)."""
        number = incident_number if isinstance(incident_number, int) else parse_number(incident_number)
        if number is None:
            raise ValidationError(f"{incident_number!r} is not an incident number (like INC-000123).", field="number")
        with self._read() as session:
            incident = session.scalar(select(Incident).where(Incident.number == number))
            if incident is None:
                raise NotFoundError(f"There is no incident {format_number(number)}.")
            row = session.scalar(
                select(Attachment)
                .where(
                    Attachment.incident_id == incident.id,
                    Attachment.display_name == display_name,
                    Attachment.removed_at.is_(None),
                )
                .order_by(Attachment.created_at.desc())
            )
            if row is None:
                raise NotFoundError(f"{format_number(number)} has no attachment named {display_name!r}.")
            return _info(session, row)

    def blob_path(self, attachment_id: uuid.UUID) -> Path | None:
        """Where the bytes are, or None while they are not on this device yet (sync downloads them)."""
        info = self.get(attachment_id)
        path = self.blobs.path_for(info.sha256)
        return path if path.is_file() else None

    def thumbnail_path(self, attachment_id: uuid.UUID) -> Path | None:
        """The cached thumbnail, rebuilt when missing; None for non-images and bytes not here yet."""
        info = self.get(attachment_id)
        if not info.is_image:
            return None
        blob = self.blobs.path_for(info.sha256)
        if not blob.is_file():
            return None
        return self.thumbnails.make_from_file(info.sha256, blob)

    def export(self, attachment_id: uuid.UUID, dest: Path) -> Path:
        """Copy the bytes to ``dest`` (a file, or a directory to put the display name in); returns the file."""
        info = self.get(attachment_id)
        source = self.blobs.path_for(info.sha256)
        if not source.is_file():
            raise NotFoundError(
                f"{info.display_name}: the file has not been downloaded to this device yet; sync first."
            )
        target = Path(dest) / info.display_name if Path(dest).is_dir() else Path(dest)
        if not target.parent.is_dir():
            raise ValidationError(f"{target.parent} is not a folder; nothing was saved.", field="dest")
        fd, temp = tempfile.mkstemp(prefix=".export-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out, source.open("rb") as blob:
                shutil.copyfileobj(blob, out, 1024 * 1024)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target

    # --- helpers -------------------------------------------------------------------------

    def _insert(
        self, scope: WriteScope, incident: Incident, sha256: str, prepared: Prepared, caption: str | None
    ) -> AttachmentInfo:
        attachment = Attachment(
            id=scope.env.ids(),
            incident_id=incident.id,
            sha256=sha256,
            display_name=prepared.display_name,
            mime_type=prepared.mime_type,
            size=len(prepared.data),
            caption=caption,
            created_by=scope.actor_id,
            created_at=scope.now,
        )
        scope.session.add(attachment)
        payload = {
            "attachment_id": attachment.id,
            "incident_id": incident.id,
            "sha256": sha256,
            "display_name": attachment.display_name,
            "mime_type": attachment.mime_type,
            "size": attachment.size,
            "caption": caption,
            "created_at": scope.now,
        }
        mutation_id = scope.enqueue("attach_file", incident.id, payload)
        scope.audit(incident.id, "attachment", None, attachment.display_name, mutation_id)
        # Append-only like a note: bumps the queue's sort time, not the field version.
        incident.updated_at = scope.now
        scope.changed("incident", incident.id)
        scope.changed("attachment", attachment.id, "created")
        scope.session.flush()
        return _info(scope.session, attachment)

    @contextmanager
    def _stored(self, prepared: Prepared) -> Iterator[str]:
        """Write the blob and thumbnail first; if the row's transaction fails, drop the files we created."""
        sha256 = hashlib.sha256(prepared.data).hexdigest()
        created = not self.blobs.has(sha256)
        try:
            self.blobs.put_bytes(prepared.data)
            self._thumbnail(sha256, prepared)
            yield sha256
        except BaseException:
            if created and not self._referenced(sha256):
                self.blobs.remove(sha256)
                self.thumbnails.remove(sha256)
            raise

    def _referenced(self, sha256: str) -> bool:
        with self._read() as session:
            return session.scalar(select(Attachment.id).where(Attachment.sha256 == sha256).limit(1)) is not None

    def _thumbnail(self, sha256: str, prepared: Prepared) -> None:
        if prepared.image is not None:
            self.thumbnails.make(sha256, prepared.image)


def _caption(caption: str | None) -> str | None:
    return clean_text(caption, field="caption", label="The caption", max_len=NOTE_MAX)


def _incident(session: Session, incident_id: uuid.UUID) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFoundError("That incident no longer exists.")
    return incident


def _check_writable(incident: Incident) -> None:
    if is_read_only(Status(incident.status)):
        state = Status(incident.status).label.lower()
        raise ReadOnlyIncidentError(f"{format_number(incident.number)} is {state} and read-only; reopen it first.")


def _attachment(session: Session, attachment_id: uuid.UUID) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFoundError("That attachment no longer exists.")
    return attachment


def _info(session: Session, row: Attachment) -> AttachmentInfo:
    creator = session.scalar(select(Agent.name).where(Agent.id == row.created_by)) if row.created_by else None
    return AttachmentInfo(
        id=row.id,
        incident_id=row.incident_id,
        sha256=row.sha256,
        display_name=row.display_name,
        mime_type=row.mime_type,
        size=row.size,
        caption=row.caption,
        created_by_name=creator,
        created_at=row.created_at,
        removed_at=row.removed_at,
    )
