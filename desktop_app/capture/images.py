"""Pillow work on image attachments: safe opening, screenshot encoding, photo re-encoding, metadata.

Everything happens in memory: an annotated screenshot's unredacted original never touches disk.
"""

from __future__ import annotations

import io
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, ImageOps, JpegImagePlugin

from desktop_app.capture.rules import AttachmentPolicy
from desktop_app.domain.attachments import AttachmentBombError, AttachmentCorruptError, AttachmentTooLargeError

_FORMAT_MIME = {"PNG": "image/png", "WEBP": "image/webp", "JPEG": "image/jpeg"}
_EXIF_ORIENTATION = 0x0112
# Re-encoding to a size budget: these JPEG qualities first, then smaller pixel sizes.
_BUDGET_QUALITIES = (90, 82, 74, 66, 58, 50)
_BUDGET_MIN_SIDE = 320
# Optimizing (zlib level 9) shrinks a level-1 PNG of a screenshot by a few per cent, rarely 30.
PNG_OPTIMIZE_GAIN = 0.7
# One encoder thread kept for the process: the WebP runs beside the quick PNG on the caller's thread.
_ENCODERS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="capture-encode")


@dataclass(frozen=True)
class Frame:
    """Raw pixels straight from a screen grab (e.g. a QImage's buffer): no encode before we choose one."""

    width: int
    height: int
    data: bytes
    raw_mode: str = "BGRX"  # QImage.Format_RGB32 on little-endian machines
    stride: int = 0  # bytes per line; 0 means packed

    def to_image(self) -> Image.Image:
        mode = "RGBA" if "A" in self.raw_mode else "RGB"
        return Image.frombuffer(mode, (self.width, self.height), self.data, "raw", self.raw_mode, self.stride, 1).copy()


@dataclass(frozen=True)
class Encoded:
    data: bytes
    mime_type: str


def open_checked(data: bytes, name: str, policy: AttachmentPolicy) -> Image.Image:
    """Open and fully decode, refusing huge dimensions from the header before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > policy.max_pixels:
                raise AttachmentBombError(
                    f"{name}: the image claims {width}×{height} pixels ({width * height / 1e6:.0f} Mpx), over the "
                    f"limit of {policy.max_pixels / 1e6:.0f} Mpx; it was not opened."
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise AttachmentBombError(f"{name}: the image is too large to open safely ({exc}).") from exc
    except AttachmentBombError:
        raise
    except (OSError, ValueError, SyntaxError, Image.UnidentifiedImageError) as exc:
        raise AttachmentCorruptError(f"{name}: the image is truncated or corrupt and cannot be read ({exc}).") from exc
    return image


def encode_screenshot(image: Image.Image) -> Encoded:
    """Optimized PNG or lossless WebP, whichever is smaller.

    WebP and a quick PNG (zlib level 1) are encoded at once (Pillow's encoders drop the GIL); the
    slow optimized PNG (level 9, ~6x the time) only when it could still win, that is when the quick
    PNG is less than ``1 / PNG_OPTIMIZE_GAIN`` times the WebP. On screenshots WebP is usually 3-10x
    smaller, so the optimized PNG is rarely needed.
    """
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    image.info.clear()  # nothing from a source file's metadata travels into a screenshot
    webp_job = _ENCODERS.submit(_save, image, "WEBP", lossless=True, quality=75, method=1, exact=False)
    png = _save(image, "PNG", compress_level=1)
    webp = webp_job.result()
    if len(png.data) * PNG_OPTIMIZE_GAIN < len(webp.data):
        png = _save(image, "PNG", optimize=True)
    return min((png, webp), key=lambda encoded: len(encoded.data))


def upright(image: Image.Image) -> Image.Image:
    """The image as a person should see it: EXIF orientation applied to the pixels."""
    return ImageOps.exif_transpose(image) or image


def has_orientation(image: Image.Image) -> bool:
    return image.getexif().get(_EXIF_ORIENTATION, 1) != 1


def strip_metadata(image: Image.Image, source_format: str | None) -> Encoded:
    """Apply the orientation and re-encode without EXIF (GPS included), XMP, comments or ICC text.

    JPEG keeps the source's quantisation tables and subsampling, so the quality stays as it was.
    """
    fixed = upright(image)
    if source_format == "JPEG":
        options: dict[str, object] = {"quality": 95}
        if isinstance(image, JpegImagePlugin.JpegImageFile) and image.quantization:
            options = {"qtables": image.quantization, "subsampling": JpegImagePlugin.get_sampling(image)}
            if options["subsampling"] == -1:
                del options["subsampling"]
        return _save(_plain(fixed, "RGB"), "JPEG", **options)
    if source_format == "WEBP":
        lossless = image.info.get("lossless", False) or "VP8L" in str(getattr(image, "_webp_format", ""))
        return _save(_plain(fixed), "WEBP", lossless=bool(lossless), quality=100 if lossless else 90)
    return _save(_plain(fixed), "PNG", optimize=True)


def fit_budget(image: Image.Image, budget: int, name: str) -> Encoded:
    """Re-encode a photo as JPEG under ``budget`` bytes: lower quality first, then fewer pixels."""
    current = _plain(upright(image), "RGB")
    while True:
        for quality in _BUDGET_QUALITIES:
            encoded = _save(current, "JPEG", quality=quality, optimize=True)
            if len(encoded.data) <= budget:
                return encoded
        if min(current.size) <= _BUDGET_MIN_SIDE:
            raise AttachmentTooLargeError(
                f"{name}: even at {current.width}×{current.height} the photo does not fit in {budget} bytes."
            )
        current = current.resize((current.width * 3 // 4, current.height * 3 // 4), Image.Resampling.LANCZOS)


def _plain(image: Image.Image, mode: str | None = None) -> Image.Image:
    """A copy with no metadata attached, in a mode every encoder accepts."""
    if mode is None:
        mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    clean = image.convert(mode) if image.mode != mode else image.copy()
    clean.info = {}
    return clean


def _save(image: Image.Image, fmt: str, **options: object) -> Encoded:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return Encoded(out.getvalue(), _FORMAT_MIME[fmt])
