"""Attachments as the views and the CLI see them, and the errors a bad file gets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from desktop_app.domain.errors import ValidationError


@dataclass(frozen=True)
class AttachmentInfo:
    id: uuid.UUID
    incident_id: uuid.UUID
    sha256: str
    display_name: str
    mime_type: str
    size: int
    caption: str | None
    created_by_name: str | None
    created_at: datetime
    removed_at: datetime | None = None

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


class AttachmentError(ValidationError):
    """A file refused before anything is stored; the message names the file and the rule."""

    code = "attachment_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="attachment")


class AttachmentTooLargeError(AttachmentError):
    code = "attachment_too_large"


class AttachmentEmptyError(AttachmentError):
    code = "attachment_empty"


class AttachmentTypeError(AttachmentError):
    code = "attachment_type_not_allowed"


class AttachmentNameError(AttachmentError):
    code = "attachment_bad_name"


class AttachmentCorruptError(AttachmentError):
    code = "attachment_corrupt"


class AttachmentBombError(AttachmentError):
    code = "attachment_too_many_pixels"
