"""Email import throughput: a folder of 1,000 mixed messages into a fresh data directory.

Two runs, each in its own process (so each peak RSS is its own): ``text`` (no attachments: plain,
multipart/alternative, HTML-only, non-UTF-8, replies that thread by Message-ID or by incident
number, a few duplicates and unreadable files) and ``attachments`` (the same mix, a third of them
carrying a PNG screenshot or a log file). Every message also stores its original as an attachment,
as the importer always does. Prints one JSON object; target: >= 100 messages/s for ``text``.

    .venv/bin/python benchmarks/email_import.py [--messages 1000]
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
import random
import resource
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MESSAGES_PER_S = 100
SENT = "Fri, 20 Feb 2026 09:30:00 +0100"
HTML = (
    "<html><head><style>p{{color:red}}</style></head>"
    "<body><h2>{title}</h2><p>{text}</p><ul><li>PC-{n}</li></ul></body></html>"
)


def build_folder(folder: Path, count: int, *, attachments: bool, seed: int = 7) -> None:
    rnd = random.Random(seed)
    png = _png() if attachments else b""
    reporters = [f"User {i} <user{i}@example.com>" for i in range(60)]
    roots: list[str] = []
    for index in range(count):
        kind = rnd.random()
        path = folder / f"{index:05d}.eml"
        if kind < 0.02:
            path.write_bytes(b"\x00\x01 not an email " + str(index).encode())
            continue
        if kind < 0.04 and index > 10:
            duplicate = folder / f"{index - 5:05d}.eml"
            path.write_bytes(duplicate.read_bytes())
            continue
        message = EmailMessage()
        message["From"] = rnd.choice(reporters)
        message["To"] = "helpdesk@example.com"
        message["Date"] = SENT
        message["Message-ID"] = f"<bench-{index}@example.com>"
        text = f"Report {index}: the printer on floor {rnd.randint(1, 9)} shows error {rnd.randint(100, 999)}. " * 4
        if roots and kind < 0.30:  # a reply: by Message-ID
            root = rnd.choice(roots)
            message["Subject"] = "Re: printer trouble"
            message["In-Reply-To"] = root
            message["References"] = root
        elif kind < 0.35:  # a reply: by incident number
            message["Subject"] = f"Re: [INC-{rnd.randint(1, max(1, index // 2)):06d}] still broken"
        else:
            message["Subject"] = f"Printer trouble {index}"
            roots.append(message["Message-ID"])
        if kind < 0.55:
            message.set_content(text)
        elif kind < 0.70:
            message.set_content(text)
            message.add_alternative(HTML.format(title="Printer", text=text, n=index), subtype="html")
        elif kind < 0.85:
            message.set_content(HTML.format(title="Printer", text=text, n=index), subtype="html")
        else:
            message.set_content(text.replace("printer", "Drucker für Büro"), charset="iso-8859-1")
        if attachments and rnd.random() < 0.33:
            if rnd.random() < 0.5:
                message.add_attachment(png, maintype="image", subtype="png", filename=f"screen-{index}.png")
            else:
                message.add_attachment(text.encode() * 20, maintype="text", subtype="plain", filename="app.log")
        path.write_bytes(message.as_bytes())


def _png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (240, 240, 240))
    draw = ImageDraw.Draw(image)
    for row in range(18):
        draw.text((10, 10 + row * 20), f"Error dialog line {row}: 0x8007{row:04d}", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def run_child(kind: str, count: int) -> dict[str, object]:
    sys.path.insert(0, str(REPO))
    from desktop_app.context import open_context
    from desktop_app.domain.mail import count_by_result

    with tempfile.TemporaryDirectory(prefix="bench-mail-") as tmp:
        folder = Path(tmp) / "inbox"
        folder.mkdir()
        build_folder(folder, count, attachments=kind == "attachments")
        size = sum(p.stat().st_size for p in folder.iterdir())
        context = open_context(Path(tmp) / "data")
        try:
            started = time.perf_counter()
            outcomes = context.mail.import_paths([folder])
            elapsed = time.perf_counter() - started
        finally:
            context.close()
    return {
        "messages": len(outcomes),
        "folder_mb": round(size / 1024 / 1024, 1),
        "seconds": round(elapsed, 2),
        "messages_per_s": round(len(outcomes) / elapsed, 1),
        "outcomes": count_by_result(outcomes),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--child", choices=("text", "attachments"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.messages)))
        return
    results = {}
    for kind in ("text", "attachments"):
        completed = subprocess.run(
            [sys.executable, __file__, "--child", kind, "--messages", str(args.messages)],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        results[kind] = json.loads(completed.stdout.strip().splitlines()[-1])
    results["target_messages_per_s"] = TARGET_MESSAGES_PER_S
    results["meets_target"] = results["text"]["messages_per_s"] >= TARGET_MESSAGES_PER_S
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
