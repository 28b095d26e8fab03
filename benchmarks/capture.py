"""A 1920×1080 screenshot from capture to stored attachment with thumbnail, against Pillow's plain PNG.

The "screen" is the help desk's own main window with demo incidents, rendered offscreen at
1920×1080 (a real UI: text, lists, icons, flat colours). Each run changes a few pixels (the run
number is painted into a corner) so every run stores a new blob, then times:

- ``capture``: grab the window into a QImage (``QWidget.grab()``),
- ``store``: QImage -> raw frame -> ``AttachmentService.add(kind="screenshot")``: optimized PNG and
  lossless WebP encoded at once and the smaller kept, sha256, temp file + fsync + rename, the
  thumbnail, and the row, audit event and outbox entry in one SQLite transaction,

and, on the same image in the same run, Pillow's plain ``Image.save(..., "PNG")``. Prints JSON.

    .venv/bin/python benchmarks/capture.py [--runs 9]
"""

from __future__ import annotations

import os
import sys

# benchmarks/queue.py (the name its issue gives it) would shadow the standard library's queue module
# for every script here: this folder goes last on the path, after the standard library.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE] + [_HERE]

import argparse
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication

from desktop_app.context import open_context
from desktop_app.domain.dtos import IncidentDraft
from desktop_app.services.seed_service import SeedPlan, SeedService
from desktop_app.views.attachments.frames import frame_from_qimage
from desktop_app.views.change_bus import ChangeBus
from desktop_app.views.main_window import MainWindow
from desktop_app.views.tasks import SyncTaskRunner

TARGET_MS = 300
SIZE = (1920, 1080)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="helpdesk-capture-bench-") as data_dir:
        context = open_context(data_dir)
        try:
            result = measure(app, context, args.runs)
        finally:
            context.close()
    print(json.dumps(result, indent=2))
    return 0


def measure(app: QApplication, context, runs: int) -> dict[str, object]:
    SeedService(context.engine, context.incidents.matrix).seed(SeedPlan(incidents=300, reporters=100, seed=5))
    incident = context.incidents.create(IncidentDraft(description="Benchmark: screenshots of the queue")).value
    window = MainWindow(context, SyncTaskRunner(), ChangeBus())
    window.resize(*SIZE)
    window.show()
    window.show_detail(incident)
    for _ in range(20):
        app.processEvents()
    capture_ms, store_ms, total_ms, png_ms, cpu_ms = [], [], [], [], []
    stored_bytes, png_bytes, mime = 0, 0, ""
    for run in range(runs):
        cpu_started = time.process_time()
        started = time.perf_counter()
        grabbed = window.grab().toImage()
        painter = QPainter(grabbed)
        painter.fillRect(0, 0, 12, 12, QColor(run * 20 % 256, 40, 90))  # a new blob every run
        painter.end()
        captured = time.perf_counter()
        info = context.attachments.add(
            incident.id, frame_from_qimage(grabbed), f"Screenshot {run}.png", kind="screenshot"
        )
        stored = time.perf_counter()
        cpu_ms.append((time.process_time() - cpu_started) * 1000)
        assert context.attachments.thumbnails.get(info.sha256) is not None
        capture_ms.append((captured - started) * 1000)
        store_ms.append((stored - captured) * 1000)
        total_ms.append((stored - started) * 1000)
        stored_bytes, mime = info.size, info.mime_type
        # The baseline: Pillow's plain PNG of the very same pixels, in the same run.
        pixels = frame_from_qimage(grabbed).to_image()
        begun = time.perf_counter()
        out = io.BytesIO()
        pixels.save(out, "PNG")
        png_ms.append((time.perf_counter() - begun) * 1000)
        png_bytes = len(out.getvalue())
    window.close()
    assert grabbed.size().toTuple() == SIZE, grabbed.size()
    median_total = statistics.median(total_ms)
    return {
        "image": f"{SIZE[0]}x{SIZE[1]} main window with 300 demo incidents, rendered offscreen",
        "runs": runs,
        "capture_to_stored_ms": {
            "median": round(median_total, 1),
            "min": round(min(total_ms), 1),
            "max": round(max(total_ms), 1),
        },
        # CPU time of this process (both encoder threads) for capture + store: the cost without the
        # waiting a busy machine adds to wall time.
        "capture_to_stored_cpu_ms_median": round(statistics.median(cpu_ms), 1),
        "capture_ms_median": round(statistics.median(capture_ms), 1),
        "store_ms_median": round(statistics.median(store_ms), 1),
        "stored": {"bytes": stored_bytes, "mime_type": mime},
        "pillow_plain_png": {"bytes": png_bytes, "encode_ms_median": round(statistics.median(png_ms), 1)},
        "stored_vs_plain_png": round(stored_bytes / png_bytes, 3),
        "target": {"ms_max": TARGET_MS, "smaller_than_plain_png": True},
        "met": median_total <= TARGET_MS and stored_bytes < png_bytes,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "pillow": Image.__version__,
    }


if __name__ == "__main__":
    raise SystemExit(main())
