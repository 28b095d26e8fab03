"""What the attachment strip shows per entry: a thumbnail icon, name, size and a tooltip."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QListWidgetItem

from desktop_app.capture.images import Frame
from desktop_app.domain.attachments import AttachmentInfo, human_size

THUMB = QSize(120, 90)


@dataclass
class PendingAttachment:
    """An attachment of an incident not saved yet: kept in memory (a screenshot never touches disk)."""

    source: Frame | Path
    display_name: str
    caption: str | None
    kind: str
    thumbnail: QImage | None
    options: dict[str, Any] = field(default_factory=dict)  # strip_metadata, size_budget for AttachmentService.add


def type_icon(display_name: str) -> QPixmap:
    """A page with the file's extension on it (LOG, PDF, DOCX): tells files apart at a glance."""
    pixmap = QPixmap(THUMB)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    page = QRect(THUMB.width() // 2 - 32, 4, 64, THUMB.height() - 8)
    painter.setPen(QColor("#90a4ae"))
    painter.setBrush(QColor("#f5f7f8"))
    painter.drawRoundedRect(page, 4, 4)
    suffix = Path(display_name).suffix.lstrip(".").upper()[:5] or "FILE"
    font = QFont()
    font.setBold(True)
    font.setPixelSize(15)
    painter.setFont(font)
    painter.setPen(QColor("#37474f"))
    painter.drawText(page, Qt.AlignmentFlag.AlignCenter, suffix)
    painter.end()
    return pixmap


def strip_item(
    entry: AttachmentInfo | PendingAttachment,
    thumbnail: Path | QImage | None,
    local: bool,
    progress: dict[uuid.UUID, str],
) -> QListWidgetItem:
    if isinstance(thumbnail, Path):
        icon = QIcon(QPixmap(str(thumbnail)))
    elif isinstance(thumbnail, QImage):
        icon = QIcon(QPixmap.fromImage(thumbnail.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio)))
    else:
        icon = QIcon(type_icon(entry.display_name))
    if isinstance(entry, PendingAttachment):
        text, tip = entry.display_name, f"{entry.display_name}\nStored when the incident is saved"
    else:
        state = progress.get(entry.id) or ("" if local else "on the server")
        text = f"{entry.display_name}\n{human_size(entry.size)}" + (f" · {state}" if state else "")
        added = f"added by {entry.created_by_name or 'unknown'} · {entry.created_at.astimezone():%Y-%m-%d %H:%M}"
        details = (entry.display_name, f"{human_size(entry.size)} · {entry.mime_type}", added, entry.caption)
        tip = "\n".join(part for part in details if part)
    item = QListWidgetItem(icon, text)
    item.setToolTip(tip)
    item.setData(Qt.ItemDataRole.UserRole, entry)
    item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
    return item


def file_thumbnail(path: Path) -> QImage | None:
    """A thumbnail for a file waiting in the new-incident form (Qt's reader caps the memory it uses)."""
    image = QImage(str(path)) if path.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp") else None
    return image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio) if image is not None and not image.isNull() else None
