"""Thumbnails for the attachment strip, cached beside the blobs (``thumbnails/ab/<sha256>-<px>.webp``).

Made from the stored bytes (so from the redacted pixels), upright, small and lossy: they are a
cache, rebuilt whenever missing.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from PIL import Image

from desktop_app.capture.images import upright

THUMBNAIL_PX = 192


def thumbnail_root(data_dir: Path) -> Path:
    return Path(data_dir) / "thumbnails"


class ThumbnailCache:
    def __init__(self, root: Path, size: int = THUMBNAIL_PX) -> None:
        self.root = Path(root)
        self.size = size

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}-{self.size}.webp"

    def get(self, sha256: str) -> Path | None:
        path = self.path_for(sha256)
        return path if path.is_file() else None

    def remove(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)

    def make(self, sha256: str, image: Image.Image) -> Path:
        """Store the thumbnail of an already-decoded image (the add path has it in memory)."""
        path = self.path_for(sha256)
        if path.is_file():
            return path
        thumb = upright(image)
        thumb = thumb.convert("RGBA" if "A" in thumb.getbands() else "RGB")
        thumb.thumbnail((self.size, self.size), Image.Resampling.BILINEAR, reducing_gap=2.0)
        out = io.BytesIO()
        thumb.save(out, "WEBP", quality=80, method=0)
        _write_atomically(path, out.getvalue())
        return path

    def make_from_file(self, sha256: str, blob: Path) -> Path | None:
        """Rebuild a missing thumbnail from a stored blob; None when it is not an image Pillow reads."""
        cached = self.get(sha256)
        if cached is not None:
            return cached
        try:
            with Image.open(blob) as image:
                image.draft("RGB", (self.size * 2, self.size * 2))  # JPEG: decode at a reduced scale
                image.load()
                return self.make(sha256, image)
        except (OSError, ValueError, Image.DecompressionBombError):
            return None


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".incoming-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
