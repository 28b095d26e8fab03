"""The strip's two menus: how to capture (mode, screen, delay) and how to store photos."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QMenu

from desktop_app.views.attachments.screen_capture import DELAYS_S, CaptureMode

if TYPE_CHECKING:
    from desktop_app.views.attachments.attachment_strip import AttachmentStrip

PHOTO_BUDGETS = (
    ("Photos: keep as taken", None),
    ("Photos: shrink to 2 MB at most", 2 * 1024 * 1024),
    ("Photos: shrink to 1 MB at most", 1024 * 1024),
    ("Photos: shrink to 500 KB at most", 500 * 1024),
)


def capture_menu(strip: AttachmentStrip) -> QMenu:
    menu = QMenu(strip)
    menu.setObjectName("captureMenu")
    menu.addAction("Region… (Ctrl+Alt+R)", lambda: strip.capture(CaptureMode.REGION))
    menu.addAction("Whole screen (Ctrl+Alt+S)", lambda: strip.capture(CaptureMode.ALL_SCREENS))
    screens = QGuiApplication.screens()
    if len(screens) > 1:
        for number, screen in enumerate(screens, start=1):
            menu.addAction(
                f"Screen {number}: {screen.name()}",
                lambda chosen=screen: strip.capture(CaptureMode.ONE_SCREEN, screen=chosen),
            )
    menu.addSeparator()
    delays = QActionGroup(menu)
    for seconds in DELAYS_S:
        action = QAction("No delay" if seconds == 0 else f"Delay {seconds} s", menu, checkable=True)
        action.setChecked(seconds == strip.delay_s)
        action.triggered.connect(lambda _checked=False, s=seconds: setattr(strip, "delay_s", s))
        delays.addAction(action)
        menu.addAction(action)
    return menu


def photo_menu(strip: AttachmentStrip) -> QMenu:
    """How photos are stored: as taken (default), without EXIF/GPS, or re-encoded to fit a size."""
    menu = QMenu(strip)
    menu.setObjectName("photoMenu")
    menu.addAction("Choose files… (Ctrl+Alt+F)", strip.choose_files)
    menu.addSeparator()
    strip.strip_action = QAction("Photos: remove location and camera data (EXIF/GPS)", menu, checkable=True)
    strip.strip_action.setObjectName("stripMetadataAction")
    menu.addAction(strip.strip_action)
    budgets = QActionGroup(menu)
    for label, budget in PHOTO_BUDGETS:
        action = QAction(label, menu, checkable=True)
        action.setChecked(budget is None)
        action.triggered.connect(lambda _checked=False, b=budget: setattr(strip, "size_budget", b))
        budgets.addAction(action)
        menu.addAction(action)
    return menu
