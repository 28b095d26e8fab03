"""Render the application icon from resources/icons/helpdesk.svg to every size the platforms ask for.

    python installer/render_icons.py      (writes resources/icons/app/; run it after editing the SVG)

PNG at 16-512 px for the freedesktop hicolor theme and the window icon, a multi-size .ico for
Windows and an .icns for macOS, both written by Pillow from the Qt renderings. Qt draws the SVG
(QSvgRenderer) because Pillow cannot read SVG.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "resources" / "icons" / "helpdesk.svg"
TARGET = ROOT / "resources" / "icons" / "app"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"render_icons: cannot read {SOURCE}", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    images = {size: render(renderer, size) for size in PNG_SIZES}
    for size, image in images.items():
        image.save(TARGET / f"helpdesk-{size}.png", optimize=True)
    largest = images[max(PNG_SIZES)]
    # Pillow builds each ICO/ICNS entry by resampling the image it is given; hand it the
    # exact-size renderings instead so small sizes stay crisp.
    largest.save(
        TARGET / "helpdesk.ico",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES],
    )
    largest.save(TARGET / "helpdesk.icns", append_images=[images[s] for s in ICNS_SIZES])
    print(f"render_icons: {len(images)} PNGs, helpdesk.ico and helpdesk.icns in {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
