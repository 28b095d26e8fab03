"""What the annotation editor draws, as immutable values, and how they are burned into the pixels.

Redactions are applied to the pixels first (a solid box, or blocks averaged over ``PIXEL_BLOCK``
pixels), then the marks are drawn on top and the crop is taken: the result holds no trace of
what was under a redaction, and the unredacted original never leaves memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QPolygonF

PIXEL_BLOCK = 16
MARK_COLOUR = QColor("#e53935")
HIGHLIGHT_COLOUR = QColor(255, 235, 59, 140)


class Tool(StrEnum):
    RECTANGLE = "rectangle"
    ARROW = "arrow"
    TEXT = "text"
    HIGHLIGHT = "highlight"
    CROP = "crop"
    REDACT_BOX = "redact_box"
    PIXELATE = "pixelate"

    @property
    def is_redaction(self) -> bool:
        return self in (Tool.REDACT_BOX, Tool.PIXELATE)


Point = tuple[int, int]


def span_rect(start: QPoint, end: QPoint) -> QRect:
    """The rectangle dragged from ``start`` to ``end`` (QRect(p, q) would include q: one pixel more)."""
    return QRect(min(start.x(), end.x()), min(start.y(), end.y()), abs(end.x() - start.x()), abs(end.y() - start.y()))


@dataclass(frozen=True)
class Annotation:
    tool: Tool
    start: Point
    end: Point
    text: str = ""

    @property
    def rect(self) -> QRect:
        return span_rect(QPoint(*self.start), QPoint(*self.end))


@dataclass(frozen=True)
class EditorState:
    annotations: tuple[Annotation, ...] = ()
    crop: QRect | None = None

    def adding(self, annotation: Annotation) -> EditorState:
        if annotation.tool == Tool.CROP:
            return replace(self, crop=annotation.rect)
        return replace(self, annotations=(*self.annotations, annotation))


def render(base: QImage, state: EditorState, *, cropped: bool = True) -> QImage:
    """The image as it will be stored: redactions burned in, marks drawn, crop applied."""
    out = base.convertToFormat(QImage.Format.Format_RGB32).copy()
    bounds = out.rect()
    painter = QPainter(out)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for annotation in state.annotations:
        if annotation.tool.is_redaction:
            _redact(painter, out, annotation.tool, annotation.rect.intersected(bounds))
    scale = max(1.0, min(out.width(), out.height()) / 600)
    for annotation in state.annotations:
        if not annotation.tool.is_redaction:
            draw_mark(painter, annotation, scale)
    painter.end()
    if cropped and state.crop is not None and not state.crop.intersected(bounds).isEmpty():
        return out.copy(state.crop.intersected(bounds))
    return out


def _redact(painter: QPainter, image: QImage, tool: Tool, area: QRect) -> None:
    if area.isEmpty():
        return
    if tool == Tool.REDACT_BOX:
        painter.fillRect(area, QColor("black"))
        return
    # Average each block (smooth downscale), then blow the blocks up again without smoothing.
    block = max(PIXEL_BLOCK, min(area.width(), area.height()) // 6)
    small = image.copy(area).scaled(
        max(1, area.width() // block),
        max(1, area.height() // block),
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    blocks = small.scaled(area.size(), Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.FastTransformation)
    painter.drawImage(area, blocks)


def draw_mark(painter: QPainter, annotation: Annotation, scale: float = 1.0) -> None:
    """Rectangles, arrows, text and highlights; also used to preview a mark while it is dragged."""
    pen = QPen(MARK_COLOUR, 3 * scale)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    rect = annotation.rect
    if annotation.tool == Tool.RECTANGLE:
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
    elif annotation.tool == Tool.HIGHLIGHT:
        painter.save()
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        painter.fillRect(rect, HIGHLIGHT_COLOUR)
        painter.restore()
    elif annotation.tool == Tool.ARROW:
        _arrow(painter, pen, QPointF(*annotation.start), QPointF(*annotation.end), scale)
    elif annotation.tool == Tool.TEXT and annotation.text:
        _text(painter, QPoint(*annotation.start), annotation.text, scale)
    elif annotation.tool.is_redaction or annotation.tool == Tool.CROP:
        # Only while dragging: the outline of what will be redacted or kept.
        painter.setPen(QPen(QColor("#1e88e5"), 2 * scale, Qt.PenStyle.DashLine))
        painter.setBrush(QBrush(QColor(30, 136, 229, 40)) if annotation.tool.is_redaction else Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)


def _arrow(painter: QPainter, pen: QPen, start: QPointF, end: QPointF, scale: float) -> None:
    painter.setPen(pen)
    painter.drawLine(start, end)
    angle = math.atan2(end.y() - start.y(), end.x() - start.x())
    size = 16 * scale
    left = QPointF(end.x() - size * math.cos(angle - math.pi / 7), end.y() - size * math.sin(angle - math.pi / 7))
    right = QPointF(end.x() - size * math.cos(angle + math.pi / 7), end.y() - size * math.sin(angle + math.pi / 7))
    painter.setBrush(MARK_COLOUR)
    painter.drawPolygon(QPolygonF([end, left, right]))


def _text(painter: QPainter, at: QPoint, text: str, scale: float) -> None:
    font = QFont()
    font.setPixelSize(round(18 * scale))
    font.setBold(True)
    metrics = QFontMetrics(font)
    box = metrics.boundingRect(QRect(at, at), Qt.AlignmentFlag.AlignLeft, text).adjusted(-4, -2, 4, 2)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 220))
    painter.drawRoundedRect(box, 3, 3)
    painter.setFont(font)
    painter.setPen(MARK_COLOUR)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
