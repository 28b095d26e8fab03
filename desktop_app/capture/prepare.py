"""From what the user gave (bytes, a file, a screen grab) to the bytes we store, or a refusal.

Every check runs before anything is written: the name, the size (from the file system, before
reading), the sniffed type against the allow-list, the pixel count from the header, then a full
decode that catches truncated images.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal

from PIL import Image

from desktop_app.capture.images import Frame, encode_screenshot, fit_budget, open_checked, strip_metadata
from desktop_app.capture.rules import IMAGE_TYPES, AttachmentPolicy, clean_display_name, sniff_mime
from desktop_app.domain.attachments import AttachmentBombError, AttachmentCorruptError, AttachmentTypeError

Kind = Literal["file", "screenshot"]
_SUFFIX = {"image/png": ".png", "image/webp": ".webp", "image/jpeg": ".jpg"}
_IMAGE_SUFFIXES = frozenset({".png", ".webp", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff"})


@dataclass(frozen=True)
class Prepared:
    data: bytes
    mime_type: str
    display_name: str
    image: Image.Image | None  # decoded pixels, kept for the thumbnail


def prepare(
    source: bytes | Path | Frame,
    display_name: str,
    *,
    policy: AttachmentPolicy,
    kind: Kind = "file",
    size_budget: int | None = None,
    strip: bool = False,
    claimed_mime: str | None = None,
) -> Prepared:
    name = clean_display_name(display_name)
    policy.check_name_type(name)
    if isinstance(source, Frame):
        return _screenshot(_frame_image(source, name, policy), name, policy)
    data = _read(source, name, policy)
    mime = sniff_mime(data, name)
    if (
        mime == "text/plain"
        and claimed_mime
        and claimed_mime.startswith("text/")
        and claimed_mime in policy.allowed_types
    ):
        mime = claimed_mime
    if mime not in policy.allowed_types:
        raise AttachmentTypeError(f"{name}: files of type {mime} are not accepted as attachments.")
    if mime not in IMAGE_TYPES:
        return Prepared(data, mime, name, None)
    image = open_checked(data, name, policy)
    if kind == "screenshot":
        return _screenshot(image, name, policy)
    if size_budget is not None and len(data) > size_budget:
        encoded = fit_budget(image, size_budget, name)
        return Prepared(encoded.data, encoded.mime_type, _with_suffix(name, encoded.mime_type), image)
    if strip:
        encoded = strip_metadata(image, image.format)
        return Prepared(encoded.data, encoded.mime_type, _with_suffix(name, encoded.mime_type), image)
    return Prepared(data, mime, name, image)


def _read(source: bytes | Path, name: str, policy: AttachmentPolicy) -> bytes:
    if isinstance(source, bytes):
        policy.check_size(name, len(source))
        return source
    try:
        policy.check_size(name, source.stat().st_size)  # before reading: a 2 GB file is never loaded
        data = source.read_bytes()
    except OSError as exc:
        raise AttachmentCorruptError(f"{name}: the file cannot be read ({exc.strerror or exc}).") from exc
    policy.check_size(name, len(data))  # it may have changed in between
    return data


def _frame_image(frame: Frame, name: str, policy: AttachmentPolicy) -> Image.Image:
    if frame.width * frame.height > policy.max_pixels:
        raise AttachmentBombError(f"{name}: a {frame.width}×{frame.height} grab is over the pixel limit.")
    if frame.width <= 0 or frame.height <= 0:
        raise AttachmentCorruptError(f"{name}: the screen grab is empty.")
    return frame.to_image()


def _screenshot(image: Image.Image, name: str, policy: AttachmentPolicy) -> Prepared:
    encoded = encode_screenshot(image)
    policy.check_size(name, len(encoded.data))
    return Prepared(encoded.data, encoded.mime_type, _with_suffix(name, encoded.mime_type), image)


def _with_suffix(name: str, mime: str) -> str:
    """A screenshot named ``.png`` that was stored as WebP is renamed, so "open with" picks the right app."""
    suffix = _SUFFIX[mime]
    current = PurePath(name).suffix.lower()
    if current == suffix or (suffix == ".jpg" and current == ".jpeg"):
        return name
    stem = name[: -len(current)] if current in _IMAGE_SUFFIXES else name
    return stem + suffix
