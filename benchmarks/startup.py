"""Start-up time of the desktop client on a large database, against a bare Qt window.

Seeds a throw-away data directory with 100,000 incidents (``helpdesk-cli seed-demo``, once per
run), then alternately starts (a) ``main.py --exit-when-idle``, which prints ``ready`` once the
window is shown and the first page of the queue is loaded, and (b) a baseline that only imports
QtWidgets, shows an empty QMainWindow and prints ``ready`` on the first event-loop turn. Wall time
is measured from spawning the process to reading the ``ready`` line. Prints one JSON object.

    .venv/bin/python benchmarks/startup.py [--incidents 100000] [--runs 7] [--xvfb]

``--xvfb`` runs everything under one ``xvfb-run -a`` server with ``QT_QPA_PLATFORM=xcb``, so the
X server's own start-up is not counted against either side; the default is ``offscreen``. Both
programs run from compiled bytecode (a private ``PYTHONPYCACHEPREFIX``, filled by an untimed
warm-up start of each), as an installed client does.
"""

from __future__ import annotations

import os
import sys

# benchmarks/queue.py (the name its issue gives it) would shadow the standard library's queue module
# for every script here: this folder goes last on the path, after the standard library.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE] + [_HERE]

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IN_XVFB = "HELPDESK_BENCH_IN_XVFB"
TARGET = {"ratio_max": 1.5, "app_ms_max": 1000}
TIMEOUT_S = 60.0

BASELINE = """\
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1600, 900)
window.show()

def ready():
    print("ready", flush=True)
    app.quit()

QTimer.singleShot(0, ready)
sys.exit(app.exec())
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--reporters", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7, help="timed starts of each program (default 7)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed starts of each first (default 1, min 1)")
    parser.add_argument("--xvfb", action="store_true", help="run under xvfb-run -a with QT_QPA_PLATFORM=xcb")
    return parser.parse_args(argv)


def seed(data_dir: Path, incidents: int, reporters: int) -> None:
    command = [sys.executable, "-m", "desktop_app.cli.main", "--data-dir", str(data_dir), "seed-demo"]
    command += ["--incidents", str(incidents), "--reporters", str(reporters), "--seed", "1", "--quiet"]
    subprocess.run(command, cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def time_to_ready(command: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Milliseconds from spawning ``command`` to its 'ready' line, and to its 'services' line if any.

    The app prints 'ready' when the window shows the queue and the event loop is idle, and
    'services' once the full services (SQLAlchemy, sync) have loaded behind it.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
    )
    watchdog = threading.Timer(TIMEOUT_S, process.kill)
    watchdog.start()
    ready: float | None = None
    services: float | None = None
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("ready") and ready is None:
                ready = (time.perf_counter() - started) * 1000
            elif line.startswith("services"):
                services = (time.perf_counter() - started) * 1000
        _, stderr = process.communicate()
    finally:
        watchdog.cancel()
    if ready is None:
        raise RuntimeError(f"{command} ended without printing 'ready': {stderr}")
    if process.returncode != 0:
        raise RuntimeError(f"{command} exited with {process.returncode}: {stderr}")
    return ready, services


def run(args: argparse.Namespace) -> dict[str, object]:
    env = dict(os.environ)
    env.pop(IN_XVFB, None)
    env["QT_QPA_PLATFORM"] = "xcb" if args.xvfb else env.get("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="helpdesk-startup-"))
    # An installed client starts from compiled bytecode; so do both programs here, whatever the
    # shell says (PYTHONDONTWRITEBYTECODE). The warm-up starts fill a private cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    try:
        data_dir = work / "data"
        seed(data_dir, args.incidents, args.reporters)
        baseline_script = work / "baseline.py"
        baseline_script.write_text(BASELINE, encoding="utf-8")
        app = [sys.executable, "main.py", "--data-dir", str(data_dir), "--exit-when-idle"]
        baseline = [sys.executable, str(baseline_script)]
        for _ in range(max(args.warmup, 1)):  # fills the page cache and the bytecode cache
            time_to_ready(app, env)
            time_to_ready(baseline, env)
        app_runs: list[float] = []
        services_runs: list[float] = []
        baseline_runs: list[float] = []
        for _ in range(args.runs):
            ready, services = time_to_ready(app, env)
            app_runs.append(ready)
            if services is not None:
                services_runs.append(services)
            baseline_runs.append(time_to_ready(baseline, env)[0])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    app_median = statistics.median(app_runs)
    baseline_median = statistics.median(baseline_runs)
    ratio = app_median / baseline_median
    return {
        "n_incidents": args.incidents,
        "runs": args.runs,
        "platform": "xcb (xvfb-run -a)" if args.xvfb else env["QT_QPA_PLATFORM"],
        "app_median_ms": round(app_median, 1),
        "baseline_median_ms": round(baseline_median, 1),
        "ratio": round(ratio, 3),
        "app_runs_ms": [round(ms, 1) for ms in app_runs],
        "baseline_runs_ms": [round(ms, 1) for ms in baseline_runs],
        # Behind the shown window: SQLAlchemy, the migration check and sync finish loading here.
        "app_services_median_ms": round(statistics.median(services_runs), 1) if services_runs else None,
        "target": TARGET,
        "meets_target": ratio <= TARGET["ratio_max"] and app_median <= TARGET["app_ms_max"],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.xvfb and not os.environ.get(IN_XVFB):
        # Re-run this script inside one X server, so every measured start shares it.
        if shutil.which("xvfb-run") is None:
            print("startup.py: --xvfb needs xvfb-run (apt install xvfb)", file=sys.stderr)
            return 2
        argv_self = sys.argv[1:] if argv is None else argv
        env = dict(os.environ, **{IN_XVFB: "1"})
        return subprocess.run(["xvfb-run", "-a", sys.executable, __file__, *argv_self], env=env).returncode
    print(json.dumps(run(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
