"""Icons and the stylesheet, from wherever ``desktop_app.paths.resources_dir`` finds them."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from desktop_app.paths import resources_dir

__all__ = ["app_icon", "icon", "resources_dir", "stylesheet"]


@cache
def icon(name: str) -> QIcon:
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


@cache
def app_icon() -> QIcon:
    """The application icon: the rendered PNGs (crisp at small sizes) plus the SVG for any other size."""
    result = QIcon(icon("helpdesk"))
    for png in sorted((resources_dir() / "icons" / "app").glob("helpdesk-*.png")):
        result.addFile(str(png))
    return result


def stylesheet() -> str:
    path = resources_dir() / "styles" / "app.qss"
    return path.read_text(encoding="utf-8") if path.exists() else ""
