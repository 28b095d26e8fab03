"""Grab the attachment strip, the annotation editor and the preview to PNGs, as a person sees them.

Run under a real X server, on a throw-away data dir:
``scripts/xvfb-screenshot.sh .venv/bin/python scripts/attachment_screenshots.py docs/screenshots``
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.context import open_context
from desktop_app.domain.dtos import IncidentDraft
from desktop_app.services.seed_service import SeedPlan, SeedService
from desktop_app.views.attachments.annotations import Annotation, Tool
from desktop_app.views.attachments.frames import qimage_from_rgb
from desktop_app.views.attachments.screen_capture import CaptureMode
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.resources import stylesheet
from desktop_app.views.tasks import SyncTaskRunner
from tests.support import images


def settle(app: QApplication, ms: int = 300) -> None:
    QTest.qWait(ms)
    app.processEvents()


def login_dialog_picture() -> Image.Image:
    """A made-up VPN client error with a password field: something to annotate and redact."""
    picture = images.ui_screenshot(900, 560, seed=4)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((250, 150, 700, 410), fill=(255, 255, 255), outline=(120, 120, 120), width=2)
    draw.rectangle((250, 150, 700, 182), fill=(32, 80, 160))
    draw.text((262, 160), "Corporate VPN - connection failed", fill=(255, 255, 255))
    draw.text((270, 205), "User name:   jane.smith@example.org", fill=(20, 20, 20))
    draw.text((270, 240), "Password:    Summer2026!Secret", fill=(20, 20, 20))
    draw.text((270, 290), "Error 809: the network connection between your computer", fill=(180, 20, 20))
    draw.text((270, 308), "and the VPN server could not be established.", fill=(180, 20, 20))
    draw.rectangle((590, 360, 680, 390), fill=(230, 230, 230), outline=(120, 120, 120))
    draw.text((620, 368), "OK", fill=(20, 20, 20))
    return picture


OTHER_PROGRAM = """
import sys
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv)
label = QLabel()
label.setPixmap(QPixmap(sys.argv[1]))
label.setWindowTitle("VPN client")
label.move(120, 80)
label.show()
print("shown", flush=True)
app.exec()
"""


def show_in_another_process(picture: Image.Image) -> subprocess.Popen[str]:
    """Another program on the screen (the VPN client's error), for the region picker to show frozen."""
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-other-"))
    picture.resize((picture.width * 3 // 2, picture.height * 3 // 2)).save(folder / "vpn.png")
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER_PROGRAM, str(folder / "vpn.png")], stdout=subprocess.PIPE, text=True
    )
    assert other.stdout is not None
    assert other.stdout.readline().strip() == "shown"
    time.sleep(1.0)
    return other


def main() -> int:
    out_dir = Path(sys.argv[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(stylesheet())
    with tempfile.TemporaryDirectory(prefix="helpdesk-shots-") as data_dir:
        context = open_context(data_dir)
        SeedService(context.engine, context.incidents.matrix).seed(SeedPlan(incidents=120, reporters=60, seed=3))
        incident = context.incidents.create(
            IncidentDraft(description="VPN fails with error 809 since this morning's update", title="VPN error 809")
        ).value
        error_shot = login_dialog_picture()
        service = context.attachments
        service.add(incident.id, images.jpeg_with_exif(640, 480), "router-photo.jpg", caption="Router LEDs")
        service.add(incident.id, b"09:01 rasdial: error 809\n09:02 retry failed\n", "vpn-client.log")
        service.add(incident.id, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "VPN setup guide.pdf")
        window = MainWindow(context, SyncTaskRunner(), ChangeBus())
        window.resize(1500, 900)
        window.show()
        window.show_detail(context.incidents.get(incident.id))
        settle(app, 300)
        editor = window.detail.attachments.edit_image(
            qimage_from_rgb(error_shot.width, error_shot.height, error_shot.tobytes()), "VPN error.png"
        )
        assert editor is not None
        for annotation in (
            Annotation(Tool.REDACT_BOX, (318, 236), (480, 254)),
            Annotation(Tool.PIXELATE, (318, 200), (480, 218)),
            Annotation(Tool.HIGHLIGHT, (266, 286), (690, 324)),
            Annotation(Tool.RECTANGLE, (245, 145), (705, 415)),
            Annotation(Tool.ARROW, (120, 470), (255, 320)),
            Annotation(Tool.TEXT, (40, 480), (40, 480), "Error 809 after the update"),
        ):
            editor.add_annotation(annotation)
        editor.caption.setText("Password redacted; error highlighted")
        editor.resize(1100, 800)
        settle(app, 500)
        editor.grab().save(str(out_dir / "annotation_editor.png"))
        editor.accept()  # stores the redacted picture
        settle(app, 600)
        window.grab().save(str(out_dir / "attachment_strip.png"))

        edited = next(info for info in service.list_for(incident.id) if info.display_name.startswith("VPN error"))
        window.detail.attachments.opener.preview(edited)
        settle(app, 500)
        window.detail.attachments.opener.preview_dialog.grab().save(str(out_dir / "attachment_preview.png"))
        other_program = show_in_another_process(error_shot)
        strip = window.detail.attachments
        strip.capture(CaptureMode.REGION, delay_s=0)
        settle(app, 800)
        selector = strip.capturer.selector
        assert selector is not None
        QTest.mousePress(selector, Qt.MouseButton.LeftButton, pos=QPoint(480, 205))
        QTest.mouseMove(selector, QPoint(1185, 615))
        settle(app, 300)
        app.primaryScreen().grabWindow(0).save(str(out_dir / "region_selector.png"))
        QTest.keyClick(selector, Qt.Key.Key_Escape)
        settle(app, 300)
        other_program.terminate()
        other_program.wait(10)

        dialog = window.open_new_incident()
        log = Path(data_dir) / "setup.log"
        log.write_text("MSI error 1603 while installing the VPN client\n", encoding="utf-8")
        dialog.attachments.attach_files([log])
        small = error_shot.resize((450, 280))
        dialog.attachments.edit_image(qimage_from_rgb(450, 280, small.tobytes()), "Pasted image.png").accept()
        settle(app, 500)
        dialog.grab().save(str(out_dir / "new_incident_attachments.png"))
        dialog.reject()
        window.close()
        context.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
