"""QImage <-> the capture package's raw Frame: pixels cross from Qt to Pillow without an encode."""

from __future__ import annotations

import sys

from PySide6.QtGui import QImage

from desktop_app.capture.images import Frame

# QImage.Format_RGB32 / ARGB32 are 0xAARRGGBB words: B, G, R, A bytes in memory on little-endian machines.
_RAW_MODE = {
    (True, False): "BGRX",
    (True, True): "BGRA",
    (False, False): "XRGB",
    (False, True): "ARGB",
}


def frame_from_qimage(image: QImage) -> Frame:
    has_alpha = image.hasAlphaChannel()
    wanted = QImage.Format.Format_ARGB32 if has_alpha else QImage.Format.Format_RGB32
    if image.format() != wanted:
        image = image.convertToFormat(wanted)
    data = bytes(image.constBits())
    raw_mode = _RAW_MODE[(sys.byteorder == "little", has_alpha)]
    return Frame(image.width(), image.height(), data, raw_mode, image.bytesPerLine())


def qimage_from_rgb(width: int, height: int, data: bytes) -> QImage:
    """A QImage owning a copy of packed RGB bytes (as Pillow's ``tobytes()`` gives them)."""
    return QImage(data, width, height, width * 3, QImage.Format.Format_RGB888).copy()
