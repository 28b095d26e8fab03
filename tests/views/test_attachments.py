"""The attachment GUI offscreen: paste from QClipboard, region capture, the editor's redaction and undo."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, QRect, Qt, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices, QDropEvent, QGuiApplication, QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop_app.context import AppContext
from desktop_app.views.attachments.annotation_editor import AnnotationEditor
from desktop_app.views.attachments.annotations import Annotation, Tool
from desktop_app.views.attachments.attachment_strip import AttachmentStrip
from desktop_app.views.attachments.frames import frame_from_qimage, qimage_from_rgb
from desktop_app.views.attachments.screen_capture import CaptureMode
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.tasks import SyncTaskRunner
from tests.support import images
from tests.support.builders import make_incident

SECRET = QRect(200, 120, 160, 40)  # where the "password" is


@pytest.fixture
def strip(qtbot: QtBot, context: AppContext, runner: SyncTaskRunner, bus: ChangeBus) -> AttachmentStrip:
    widget = AttachmentStrip()
    qtbot.addWidget(widget)
    widget.bind(context.attachments, runner, bus)
    widget.show_incident(make_incident(context).id)
    widget.show()
    return widget


def screen_with_secret() -> tuple[Image.Image, bytes]:
    """A UI-like picture with random noise (unique bytes) where the secret is; also that area's RGB bytes."""
    picture = images.ui_screenshot(640, 400)
    noise = random.Random(42).randbytes(SECRET.width() * SECRET.height() * 3)
    picture.paste(Image.frombytes("RGB", (SECRET.width(), SECRET.height()), noise), (SECRET.x(), SECRET.y()))
    return picture, noise


def stored_image(context: AppContext, strip: AttachmentStrip) -> Image.Image:
    [info] = context.attachments.list_for(strip.incident_id)
    return Image.open(io.BytesIO(context.attachments.blob_path(info.id).read_bytes())).convert("RGB")


def every_file(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_frames_carry_qimage_pixels_to_pillow_unchanged() -> None:
    picture = images.ui_screenshot(100, 60)
    frame = frame_from_qimage(qimage_from_rgb(100, 60, picture.tobytes()))
    assert frame.to_image().convert("RGB").tobytes() == picture.tobytes()


@pytest.mark.parametrize("tool", [Tool.REDACT_BOX, Tool.PIXELATE])
def test_redaction_is_burned_in_and_the_original_pixels_are_on_no_file(
    qtbot: QtBot, context: AppContext, strip: AttachmentStrip, tool: Tool
) -> None:
    picture, secret = screen_with_secret()
    editor = strip.edit_image(qimage_from_rgb(640, 400, picture.tobytes()), "login.png")
    assert editor is not None
    editor.add_annotation(Annotation(tool, (SECRET.left(), SECRET.top()), (SECRET.right() + 1, SECRET.bottom() + 1)))
    editor.accept()
    stored = stored_image(context, strip)
    assert stored.size == (640, 400)
    under_box = stored.crop((SECRET.left(), SECRET.top(), SECRET.right() + 1, SECRET.bottom() + 1)).tobytes()
    changed = sum(a != b for a, b in zip(under_box, secret, strict=True))
    assert changed > 0.9 * len(secret)
    # Outside the box the picture is untouched (lossless storage).
    outside = (0, 0, 640, SECRET.top())
    assert stored.crop(outside).tobytes() == picture.crop(outside).tobytes()
    secret_rows = [secret[row * SECRET.width() * 3 : (row + 1) * SECRET.width() * 3][:96] for row in range(0, 40, 7)]
    bgrx_rows = [
        bytes(b for i in range(0, 96, 3) for b in (row[i + 2], row[i + 1], row[i], 255)) for row in secret_rows
    ]
    for path in every_file(context.paths.data_dir):
        data = path.read_bytes()
        assert not any(row in data for row in secret_rows + bgrx_rows), path
        try:
            decoded = Image.open(io.BytesIO(data)).convert("RGB").tobytes()
        except OSError:
            continue  # not an image (the database, settings)
        assert not any(row in decoded for row in secret_rows), path


def test_paste_from_the_clipboard_with_ctrl_v_opens_the_editor_and_attaches(
    qtbot: QtBot, context: AppContext, strip: AttachmentStrip
) -> None:
    image = qimage_from_rgb(300, 200, images.ui_screenshot(300, 200).tobytes())
    QGuiApplication.clipboard().setImage(image)
    strip.setFocus()
    QTest.keyClick(strip, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: strip.editor is not None and strip.editor.isVisible())
    assert strip.editor.display_name() == "Pasted image.png"
    strip.editor.caption.setText("Error after login")
    strip.editor.activateWindow()
    qtbot.waitUntil(strip.editor.isActiveWindow)
    QTest.keyClick(strip.editor.caption, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    [info] = context.attachments.list_for(strip.incident_id)
    assert info.caption == "Error after login"
    assert info.mime_type in ("image/png", "image/webp")
    assert stored_image(context, strip).tobytes() == images.ui_screenshot(300, 200).tobytes()
    assert strip.list.count() == 1


def test_region_capture_on_the_offscreen_screen(qtbot: QtBot, context: AppContext, strip: AttachmentStrip) -> None:
    strip.capture(CaptureMode.REGION, delay_s=0)
    qtbot.waitUntil(lambda: strip.capturer.selector is not None and strip.capturer.selector.isVisible())
    selector = strip.capturer.selector
    assert not strip.isVisible()  # our windows are hidden while the screen is grabbed
    QTest.mousePress(selector, Qt.MouseButton.LeftButton, pos=QPoint(10, 20))
    QTest.mouseMove(selector, QPoint(120, 90))
    QTest.mouseRelease(selector, Qt.MouseButton.LeftButton, pos=QPoint(130, 100))
    qtbot.waitUntil(lambda: strip.editor is not None and strip.editor.isVisible())
    assert strip.isVisible()
    assert strip.editor.canvas.base.size().toTuple() == (120, 80)
    strip.editor.accept()
    [info] = context.attachments.list_for(strip.incident_id)
    assert info.display_name.startswith("Screenshot ")
    assert stored_image(context, strip).size == (120, 80)


def test_whole_screen_capture_grabs_the_screen_size(qtbot: QtBot, strip: AttachmentStrip) -> None:
    strip.capture(CaptureMode.ALL_SCREENS, delay_s=0)
    qtbot.waitUntil(lambda: strip.editor is not None and strip.editor.isVisible())
    assert strip.editor.canvas.base.size() == QGuiApplication.primaryScreen().geometry().size()
    strip.editor.reject()


def test_undo_redo_and_crop(qtbot: QtBot) -> None:
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    editor = AnnotationEditor(image, "x.png")
    qtbot.addWidget(editor)
    editor.add_annotation(Annotation(Tool.RECTANGLE, (10, 10), (50, 50)))
    editor.add_annotation(Annotation(Tool.CROP, (0, 0), (100, 60)))
    assert editor.result_image().size().toTuple() == (100, 60)
    editor.undo()
    assert editor.result_image().size().toTuple() == (200, 100)
    assert editor.result_image().pixelColor(10, 30) != QColor("white")  # the rectangle's edge
    editor.undo()
    assert editor.result_image().pixelColor(10, 30) == QColor("white")
    assert not editor.undo_action.isEnabled()
    editor.redo()
    editor.redo()
    assert editor.result_image().size().toTuple() == (100, 60)
    editor.add_annotation(Annotation(Tool.ARROW, (5, 5), (40, 40)))
    assert not editor.redo_action.isEnabled()  # a new edit drops what could be redone


def test_drawing_with_the_mouse_adds_an_annotation(qtbot: QtBot) -> None:
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    editor = AnnotationEditor(image)
    qtbot.addWidget(editor)
    editor.resize(700, 600)
    editor.show()
    editor.select_tool(Tool.HIGHLIGHT)
    canvas = editor.canvas
    target = canvas.image_rect()
    start, end = target.topLeft() + QPoint(20, 20), target.topLeft() + QPoint(120, 60)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    QTest.mouseMove(canvas, end)
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=end)
    [annotation] = editor.state.annotations
    assert annotation.tool == Tool.HIGHLIGHT
    assert editor.result_image().pixelColor(canvas.to_image(start + QPoint(10, 10))) != QColor("white")


def test_new_incident_form_keeps_attachments_in_memory_until_saved(
    qtbot: QtBot, context: AppContext, runner: SyncTaskRunner, bus: ChangeBus, tmp_path: Path
) -> None:
    pending = AttachmentStrip(pending=True)
    qtbot.addWidget(pending)
    pending.bind(context.attachments, runner, bus)
    log = tmp_path / "setup.log"
    log.write_text("error 1603\n", encoding="utf-8")
    pending.attach_files([log])
    editor = pending.edit_image(qimage_from_rgb(80, 60, images.ui_screenshot(80, 60).tobytes()), "shot.png")
    editor.accept()
    assert pending.list.count() == 2
    assert every_file(context.attachments.blobs.root) == []  # nothing stored before the incident exists
    incident = make_incident(context)
    pending.commit_pending(incident.id)
    names = {info.display_name for info in context.attachments.list_for(incident.id)}
    assert names in ({"setup.log", "shot.png"}, {"setup.log", "shot.webp"})


def test_dropping_a_photo_with_strip_chosen_stores_it_without_gps(
    context: AppContext, strip: AttachmentStrip, tmp_path: Path
) -> None:
    photo = tmp_path / "site.jpg"
    photo.write_bytes(images.jpeg_with_exif(orientation=6, gps=True))
    strip.strip_action.setChecked(True)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(photo))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, buttons, keys)
    strip.dropEvent(drop)
    stored = stored_image(context, strip)
    assert stored.size == (300, 400)  # turned upright
    [info] = context.attachments.list_for(strip.incident_id)
    with Image.open(context.attachments.blob_path(info.id)) as raw:
        assert images.GPS_IFD not in raw.getexif()


def test_a_read_only_incident_offers_no_way_to_attach(strip: AttachmentStrip) -> None:
    strip.show_incident(strip.incident_id, read_only=True)
    assert not strip.capture_button.isEnabled()
    assert not strip.paste_button.isEnabled()
    assert not strip.file_button.isEnabled()
    messages: list[str] = []
    strip.message.connect(messages.append)
    strip.paste_from_clipboard()
    assert messages == ["Open an incident that is not closed to attach files."]


class _UrlCatcher(QObject):
    """Receives the URLs Qt would hand to the desktop (QDesktopServices.setUrlHandler)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def catch(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_with_system_app_hands_over_a_copy_named_like_the_attachment(
    context: AppContext, strip: AttachmentStrip
) -> None:
    data = b"09:01 rasdial: error 809\n"
    info = context.attachments.add(strip.incident_id, data, "vpn-client.log")
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "catch")
    try:
        strip.opener.open_external(info)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    [url] = catcher.urls
    opened = Path(url.toLocalFile())
    assert opened.name == "vpn-client.log"
    assert opened.read_bytes() == data
    assert context.paths.data_dir not in opened.parents  # a temporary copy, not the blob itself


def test_preview_zooms_and_fits(qtbot: QtBot, context: AppContext, strip: AttachmentStrip) -> None:
    info = context.attachments.add(strip.incident_id, images.png_bytes(1200, 900), "big.png")
    strip.reload()
    strip._activate(strip.list.item(0))  # double-click / Enter on the thumbnail
    dialog = strip.opener.preview_dialog
    assert dialog is not None
    assert dialog.windowTitle() == info.display_name
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.view.zoom < 1.0  # fitted: 1200×900 is larger than the window
    QTest.keyClick(dialog, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert dialog.view.zoom == 1.0
    QTest.keyClick(dialog, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert dialog.view.zoom == pytest.approx(0.8)
    dialog.close()


def test_one_screen_capture_and_a_canceled_region_bring_the_window_back(
    qtbot: QtBot, context: AppContext, strip: AttachmentStrip
) -> None:
    screen = QGuiApplication.screens()[0]
    strip.capture(CaptureMode.ONE_SCREEN, delay_s=0, screen=screen)
    qtbot.waitUntil(lambda: strip.editor is not None and strip.editor.isVisible())
    assert strip.editor.canvas.base.size() == screen.geometry().size()
    strip.editor.reject()
    canceled: list[bool] = []
    strip.capturer.canceled.connect(lambda: canceled.append(True))
    strip.capture(CaptureMode.REGION, delay_s=0)
    qtbot.waitUntil(lambda: strip.capturer.selector is not None and strip.capturer.selector.isVisible())
    QTest.keyClick(strip.capturer.selector, Qt.Key.Key_Escape)
    assert canceled == [True]
    assert strip.isVisible()
    assert context.attachments.list_for(strip.incident_id) == []


def test_the_main_windows_capture_action_acts_on_the_incident_shown(qtbot: QtBot, main_window, context) -> None:
    incident = make_incident(context, "Printer shows error E-52")
    main_window.show_detail(context.incidents.get(incident.id))
    strip = main_window.detail.attachments
    assert main_window.actions_by_id["capture_screen"].isEnabled()
    main_window.actions_by_id["capture_screen"].trigger()
    qtbot.waitUntil(lambda: strip.editor is not None and strip.editor.isVisible())
    assert main_window.isVisible()  # shown again after the grab
    strip.editor.accept()
    [info] = context.attachments.list_for(incident.id)
    assert info.incident_id == incident.id
    assert strip.list.count() == 1


def test_a_delayed_capture_counts_down_then_grabs_without_the_badge(qtbot: QtBot, strip: AttachmentStrip) -> None:
    strip.capture(CaptureMode.ALL_SCREENS, delay_s=1)
    badge = strip.capturer.countdown
    assert badge is not None
    assert badge.isVisible()
    assert badge.text() == "Capturing the screen in 1 s…"
    assert not strip.isVisible()
    qtbot.waitUntil(lambda: strip.editor is not None and strip.editor.isVisible(), timeout=5000)
    assert not badge.isVisible()
    strip.editor.reject()
