"""Full-size preview of an image attachment with zoom (Ctrl+wheel, Ctrl++ / Ctrl+- / Ctrl+0 to fit)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImageReader, QKeySequence, QPainter, QPixmap, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.attachments import AttachmentInfo

ZOOM_STEP = 1.25
ZOOM_MIN, ZOOM_MAX = 0.05, 16.0


class ZoomView(QGraphicsView):
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewView")
        self.setScene(QGraphicsScene(self))
        self.item = QGraphicsPixmapItem()
        self.item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self.item)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.zoom = 1.0

    def set_pixmap(self, pixmap: QPixmap) -> None:
        self.item.setPixmap(pixmap)
        self.scene().setSceneRect(self.item.boundingRect())

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(max(zoom, ZOOM_MIN), ZOOM_MAX)
        self.resetTransform()
        self.scale(self.zoom, self.zoom)
        self.zoom_changed.emit(self.zoom)

    def fit(self) -> None:
        rect = self.item.boundingRect()
        if rect.isEmpty():
            return
        viewport = self.viewport().size()
        self.set_zoom(min(1.0, viewport.width() / rect.width(), viewport.height() / rect.height()))

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.set_zoom(self.zoom * (ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP))
            event.accept()
        else:
            super().wheelEvent(event)


class PreviewDialog(QDialog):
    open_requested = Signal()
    save_requested = Signal()

    def __init__(self, info: AttachmentInfo, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewDialog")
        self.setWindowTitle(info.display_name)
        self.view = ZoomView()
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)  # EXIF orientation
        image = reader.read()
        self.view.set_pixmap(QPixmap.fromImage(image))
        self.zoom_label = QLabel(objectName="previewZoom")
        self.view.zoom_changed.connect(lambda zoom: self.zoom_label.setText(f"{zoom * 100:.0f} %"))
        caption = QLabel(info.caption or "", objectName="previewCaption")
        caption.setWordWrap(True)
        buttons = QHBoxLayout()
        for label, slot in (
            ("Zoom out (Ctrl+-)", lambda: self.view.set_zoom(self.view.zoom / ZOOM_STEP)),
            ("Zoom in (Ctrl++)", lambda: self.view.set_zoom(self.view.zoom * ZOOM_STEP)),
            ("Fit (Ctrl+0)", self.view.fit),
            ("Actual size (Ctrl+1)", lambda: self.view.set_zoom(1.0)),
        ):
            button = QPushButton(label)
            button.setAutoDefault(False)  # Enter must not zoom
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addWidget(self.zoom_label)
        buttons.addStretch(1)
        open_button = QPushButton("Open with system app", objectName="previewOpen")
        open_button.setAutoDefault(False)
        open_button.clicked.connect(self.open_requested)
        save_button = QPushButton("Save as…", objectName="previewSave")
        save_button.setAutoDefault(False)
        save_button.clicked.connect(self.save_requested)
        buttons.addWidget(open_button)
        buttons.addWidget(save_button)
        for keys, slot in (
            ("Ctrl++", lambda: self.view.set_zoom(self.view.zoom * ZOOM_STEP)),
            ("Ctrl+=", lambda: self.view.set_zoom(self.view.zoom * ZOOM_STEP)),
            ("Ctrl+-", lambda: self.view.set_zoom(self.view.zoom / ZOOM_STEP)),
            ("Ctrl+0", self.view.fit),
            ("Ctrl+1", lambda: self.view.set_zoom(1.0)),
        ):
            QShortcut(QKeySequence(keys), self, activated=slot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        if info.caption:
            layout.addWidget(caption)
        layout.addLayout(buttons)
        self.resize(min(1200, max(480, image.width() + 40)), min(850, max(360, image.height() + 110)))

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self.view.fit()
