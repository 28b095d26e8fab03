"""The thumbnail strip of an incident's attachments, and the ways to add one.

Shown in the incident view (bound to an incident) and in the new-incident form ("pending": files and
edited screenshots wait in memory until the incident exists, then are stored). Adds: capture
(whole screen, one screen, region; optional delay), paste (Ctrl+V), drag and drop, a file dialog.
Screenshots and pasted images go through the annotation editor first.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.attachments import AttachmentInfo
from desktop_app.domain.dtos import Change, ChangeSet
from desktop_app.views.attachments.annotation_editor import AnnotationEditor
from desktop_app.views.attachments.attachment_opening import AttachmentOpener
from desktop_app.views.attachments.frames import frame_from_qimage
from desktop_app.views.attachments.screen_capture import CaptureMode, ScreenCapturer
from desktop_app.views.attachments.strip_items import THUMB, PendingAttachment, file_thumbnail, strip_item
from desktop_app.views.attachments.strip_menus import capture_menu, photo_menu

PASTED_NAME = "Pasted image.png"


class AttachmentStrip(QWidget):
    changed = Signal(object)  # ChangeSet, after an attachment was added or removed
    message = Signal(str)  # something to tell the user (refusals, progress)

    def __init__(self, parent: QWidget | None = None, *, pending: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentStrip")
        self.pending_mode = pending
        self.pending: list[PendingAttachment] = []
        self.incident_id: uuid.UUID | None = None
        self.read_only = False
        self._service: Any = None
        self._runner: Any = None
        self._bus: Any = None
        self.capturer = ScreenCapturer(self)
        self.capturer.captured.connect(self.edit_image)
        self.opener = AttachmentOpener(self)
        self.editor: AnnotationEditor | None = None
        self.delay_s = 0
        self.size_budget: int | None = None
        self._progress: dict[uuid.UUID, str] = {}
        self._build()
        self.setAcceptDrops(True)

    def _build(self) -> None:
        self.title = QLabel("Attachments", objectName="attachmentTitle")
        self.title.setStyleSheet("font-weight: bold; color: #37474f;")
        self.title.setVisible(not self.pending_mode)  # the form labels the row itself
        self.capture_button = QToolButton(objectName="captureButton")
        self.capture_button.setText("Capture")
        self.capture_button.setToolTip("Screenshot of a region (Ctrl+Alt+R); the menu has more")
        self.capture_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.capture_button.clicked.connect(lambda: self.capture(CaptureMode.REGION))
        self.capture_button.setMenu(capture_menu(self))
        self.paste_button = QToolButton(objectName="pasteImageButton")
        self.paste_button.setText("Paste")
        self.paste_button.setToolTip("Attach the image or files on the clipboard (Ctrl+V)")
        self.paste_button.clicked.connect(self.paste_from_clipboard)
        self.file_button = QToolButton(objectName="attachFileButton")
        self.file_button.setText("Attach file…")
        self.file_button.setToolTip("Choose files to attach (Ctrl+Alt+F); or drop them here")
        self.file_button.clicked.connect(self.choose_files)
        self.file_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.file_button.setMenu(photo_menu(self))
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title)
        header.addStretch(1)
        for button in (self.capture_button, self.paste_button, self.file_button):
            header.addWidget(button)
        self.list = QListWidget(objectName="attachmentList")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setIconSize(THUMB)
        self.list.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 44))
        self.list.setFixedHeight(THUMB.height() + 64)
        self.list.setWordWrap(True)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.itemActivated.connect(self._activate)
        self.list.setToolTip("Double-click to preview or open · right-click for more · drop files here")
        self.hint = QLabel("No attachments. Capture the screen, paste (Ctrl+V) or drop files here.")
        self.hint.setObjectName("attachmentHint")
        self.hint.setStyleSheet("color: #607d8b;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.list)
        layout.addWidget(self.hint)
        remove = QShortcut(QKeySequence.StandardKey.Delete, self.list, activated=self._remove_current)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        self._paste_shortcut: QShortcut | None = None
        self.install_paste_shortcut(self)
        self._refresh_hint()

    def install_paste_shortcut(self, host: QWidget) -> None:
        """Ctrl+V anywhere in ``host`` attaches the clipboard; a focused text field still pastes text."""
        if self._paste_shortcut is not None:
            self._paste_shortcut.setEnabled(False)
            self._paste_shortcut.deleteLater()
        self._paste_shortcut = QShortcut(QKeySequence.StandardKey.Paste, host, activated=self.paste_from_clipboard)
        self._paste_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # --- wiring ----------------------------------------------------------------------------

    def bind(self, service: Any, runner: Any, bus: Any = None) -> None:
        """The AttachmentService, the task runner and the change bus (set once the services are up)."""
        self._service, self._runner, self._bus = service, runner, bus
        self.opener.bind(service, runner)
        self.opener.message.connect(self.message)
        if self.incident_id is not None:
            self.reload()

    def connect_actions(self, actions: dict[str, QAction]) -> None:
        """The main window's capture and attach actions act on the incident shown."""
        actions["capture_region"].triggered.connect(lambda: self.capture(CaptureMode.REGION))
        actions["capture_screen"].triggered.connect(lambda: self.capture(CaptureMode.ALL_SCREENS))
        actions["attach_file"].triggered.connect(self.choose_files)
        self._actions = [actions[key] for key in ("capture_region", "capture_screen", "attach_file")]

    def show_incident(self, incident_id: uuid.UUID | None, read_only: bool = False) -> None:
        if incident_id != self.incident_id:
            self.list.clear()
            self._progress.clear()
        self.incident_id = incident_id
        self.read_only = read_only
        can_add = incident_id is not None and not read_only
        for widget in (self.capture_button, self.paste_button, self.file_button):
            widget.setEnabled(can_add)
        for action in getattr(self, "_actions", []):
            action.setEnabled(can_add)
        self.reload()

    def reload(self) -> None:
        if self.pending_mode:
            self._show_items([(item, item.thumbnail, True) for item in self.pending])
            return
        if self._service is None or self.incident_id is None:
            self._show_items([])
            return
        service, incident_id = self._service, self.incident_id

        def load() -> list[tuple[AttachmentInfo, Path | None, bool]]:
            return [
                (info, service.thumbnail_path(info.id), service.blob_path(info.id) is not None)
                for info in service.list_for(incident_id)
            ]

        self._runner.run_db(load, on_done=self._loaded, on_error=lambda exc: self.message.emit(str(exc)))

    def _loaded(self, rows: list[tuple[AttachmentInfo, Path | None, bool]]) -> None:
        if rows and rows[0][0].incident_id != self.incident_id:
            return  # an answer for the incident shown before
        self._show_items(rows)

    def _show_items(self, rows: list[tuple[Any, Any, bool]]) -> None:
        self.list.clear()
        for entry, thumbnail, local in reversed(rows):  # newest first: what was just added is in view
            self.list.addItem(strip_item(entry, thumbnail, local, self._progress))
        self._refresh_hint()

    def _refresh_hint(self) -> None:
        count = self.list.count()
        self.title.setText(f"Attachments ({count})" if count else "Attachments")
        self.hint.setVisible(count == 0)
        self.list.setVisible(count > 0)

    def set_upload_progress(self, attachment_id: uuid.UUID, sent: int, total: int) -> None:
        """For the sync channel: show "uploading 40 %" under the thumbnail until it is done."""
        self._progress[attachment_id] = "" if sent >= total else f"uploading {sent * 100 // max(1, total)} %"
        self.reload()

    # --- adding ----------------------------------------------------------------------------

    def capture(self, mode: CaptureMode, *, delay_s: int | None = None, screen: Any = None) -> None:
        if not self._can_add():
            return
        self.capturer.capture(mode, self.delay_s if delay_s is None else delay_s, screen)

    def paste_from_clipboard(self) -> None:
        if not self._can_add():
            return
        data = QGuiApplication.clipboard().mimeData()
        if data is not None and data.hasImage():
            self.edit_image(QImage(data.imageData()), PASTED_NAME)
        elif data is not None and data.hasUrls() and any(url.isLocalFile() for url in data.urls()):
            self.attach_files([Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()])
        else:
            self.message.emit("The clipboard holds no image or file to attach.")

    def choose_files(self) -> None:
        if not self._can_add():
            return
        names, _ = QFileDialog.getOpenFileNames(self, "Attach files")
        if names:
            self.attach_files([Path(name) for name in names])

    def edit_image(self, image: QImage, display_name: str | None = None) -> AnnotationEditor | None:
        """Open the annotation editor; on Attach the edited (redacted) pixels are stored."""
        if image.isNull():
            self.message.emit("The image on the clipboard could not be read.")
            return None
        editor = AnnotationEditor(image, display_name, self.window())
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.accepted.connect(lambda: self._store_edited(editor))
        self.editor = editor
        editor.open()
        return editor

    def _store_edited(self, editor: AnnotationEditor) -> None:
        frame = frame_from_qimage(editor.result_image())
        thumbnail = editor.result_image().scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio)
        self._add([PendingAttachment(frame, editor.display_name(), editor.caption_text(), "screenshot", thumbnail)])

    def attach_files(self, paths: list[Path]) -> None:
        if self._can_add():
            options = {"strip_metadata": self.strip_action.isChecked(), "size_budget": self.size_budget}
            self._add(
                [PendingAttachment(path, path.name, None, "file", file_thumbnail(path), options) for path in paths]
            )

    def _add(self, items: list[PendingAttachment]) -> None:
        if self.pending_mode:
            self.pending.extend(items)
            self.reload()
            return
        if self.incident_id is not None:
            self._store(self.incident_id, items, self._after_store)

    def commit_pending(self, incident_id: uuid.UUID) -> None:
        """The new-incident form saved its incident: store what waited, then follow that incident."""
        items, self.pending = self.pending, []
        self.pending_mode = False
        self.incident_id = incident_id
        if items:
            self._store(incident_id, items, self._after_store)

    def _store(self, incident_id: uuid.UUID, items: list[PendingAttachment], on_done: Any) -> None:
        service = self._service

        def store() -> tuple[list[AttachmentInfo], list[str]]:
            stored, refused = [], []
            for item in items:
                try:
                    stored.append(
                        service.add(
                            incident_id,
                            item.source,
                            item.display_name,
                            caption=item.caption,
                            kind=item.kind,
                            **item.options,
                        )
                    )
                except Exception as exc:  # each file on its own: one refusal does not stop the rest
                    refused.append(str(exc))
            return stored, refused

        self._runner.run_db(store, on_done=on_done, on_error=lambda exc: self.message.emit(str(exc)))

    def _after_store(self, outcome: tuple[list[AttachmentInfo], list[str]]) -> None:
        stored, refused = outcome
        if stored:
            changes = [Change("attachment", info.id, "created") for info in stored]
            self._publish(ChangeSet((Change("incident", stored[0].incident_id, "updated"), *changes)))
        if refused:
            self.message.emit("Not attached: " + " · ".join(refused))
        elif stored:
            self.message.emit(f"Attached {', '.join(info.display_name for info in stored)}.")
        self.reload()

    def _publish(self, changes: ChangeSet) -> None:
        self.changed.emit(changes)
        if self._bus is not None:
            self._bus.publish(changes)

    def _can_add(self) -> bool:
        if self.pending_mode:
            return True
        if self.incident_id is None or self.read_only or self._service is None:
            self.message.emit("Open an incident that is not closed to attach files.")
            return False
        return True

    # --- drag and drop -----------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        data = event.mimeData()
        if (data.hasImage() or any(url.isLocalFile() for url in data.urls())) and self._can_add():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData()
        files = [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile()]
        if files:
            self.attach_files(files)
        elif data.hasImage():
            self.edit_image(QImage(data.imageData()), "Dropped image.png")
        event.acceptProposedAction()

    # --- existing attachments ----------------------------------------------------------------

    def _activate(self, item: QListWidgetItem) -> None:
        entry = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(entry, AttachmentInfo):
            self.opener.preview_or_open(entry)

    def _context_menu(self, position: Any) -> None:
        item = self.list.itemAt(position)
        if item is None:
            return
        entry = item.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        if isinstance(entry, PendingAttachment):
            menu.addAction("Remove", lambda: self._drop_pending(entry))
        else:
            if entry.is_image:
                menu.addAction("Preview", lambda: self.opener.preview(entry))
            menu.addAction("Open with system app", lambda: self.opener.open_external(entry))
            menu.addAction("Save as…", lambda: self.opener.save_as(entry))
            if not self.read_only:
                menu.addSeparator()
                menu.addAction("Remove…", lambda: self.opener.remove(entry, self._after_remove))
        menu.exec(self.list.viewport().mapToGlobal(position))

    def _remove_current(self) -> None:
        item = self.list.currentItem()
        entry = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(entry, PendingAttachment):
            self._drop_pending(entry)
        elif isinstance(entry, AttachmentInfo) and not self.read_only:
            self.opener.remove(entry, self._after_remove)

    def _drop_pending(self, entry: PendingAttachment) -> None:
        self.pending = [item for item in self.pending if item is not entry]
        self.reload()

    def _after_remove(self, info: AttachmentInfo) -> None:
        self._publish(
            ChangeSet((Change("incident", info.incident_id, "updated"), Change("attachment", info.id, "deleted")))
        )
        self.reload()
