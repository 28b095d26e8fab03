"""What may be attached: size limit, type allow-list, pixel limit, file-name rules, MIME sniffing."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from desktop_app.domain.attachments import (
    AttachmentEmptyError,
    AttachmentNameError,
    AttachmentTooLargeError,
    AttachmentTypeError,
)

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 25 * MB
# Below Pillow's own guard (89 Mpx warns, 179 Mpx fails): a 50 Mpx "image" in a help-desk ticket is
# an attack or a mistake; eight 4K screens side by side still fit.
DEFAULT_MAX_PIXELS = 40_000_000
NAME_MAX_BYTES = 255

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp", "image/gif", "image/bmp", "image/tiff"})
DOCUMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "text/plain",
        "text/csv",
        "message/rfc822",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-outlook",
    }
)
DEFAULT_ALLOWED_TYPES = IMAGE_TYPES | DOCUMENT_TYPES
# "Open with system app" goes by the name's ending, not the bytes: these would run as programs or
# scripts (or a page with scripts) even when the bytes pass as text, so they are refused by name.
RUNNABLE_SUFFIXES = frozenset({
    ".exe", ".com", ".scr", ".pif", ".msi", ".msp", ".dll", ".cpl", ".bat", ".cmd", ".ps1", ".psm1",
    ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".hta", ".lnk", ".url", ".jar", ".reg", ".sh",
    ".bash", ".command", ".app", ".desktop", ".html", ".htm", ".xhtml", ".svg", ".mht", ".mhtml",
})  # fmt: skip

# Windows refuses these as file names whatever the extension; a name that cannot be saved back is useless.
_RESERVED_WINDOWS = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}
)


@dataclass(frozen=True)
class AttachmentPolicy:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    allowed_types: frozenset[str] = field(default=DEFAULT_ALLOWED_TYPES)

    def check_name_type(self, name: str) -> None:
        suffix = PurePath(name).suffix.lower()
        if suffix in RUNNABLE_SUFFIXES:
            raise AttachmentTypeError(
                f"{name}: files ending {suffix} are not accepted, as opening them could run a program; "
                "zip the file, or rename it to .txt if it is a script to read."
            )

    def check_size(self, name: str, size: int) -> None:
        if size == 0:
            raise AttachmentEmptyError(f"{name}: the file is empty (0 bytes); nothing was attached.")
        if size > self.max_bytes:
            raise AttachmentTooLargeError(
                f"{name}: {_megabytes(size)} is over the {_megabytes(self.max_bytes)} limit for attachments."
            )


def attachment_policy(settings: object) -> AttachmentPolicy:
    """The policy from the settings (``attachment_max_mb``), defaults for anything unset."""
    max_mb = getattr(settings, "attachment_max_mb", None)
    return (
        AttachmentPolicy(max_bytes=int(max_mb * MB))
        if isinstance(max_mb, int | float) and max_mb > 0
        else AttachmentPolicy()
    )


def clean_display_name(name: str) -> str:
    """The name as shown and as saved back; refused, not silently rewritten, when it breaks a rule."""
    text = unicodedata.normalize("NFC", name.strip())
    shown = repr(name)
    if not text:
        raise AttachmentNameError("An attachment needs a file name; the name given is empty.")
    if any(sep in text for sep in ("/", "\\")):
        raise AttachmentNameError(f"{shown}: a file name may not contain path separators (/ or \\).")
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text):
        raise AttachmentNameError(f"{shown}: a file name may not contain control characters.")
    if text in (".", "..") or text.endswith((".", " ")):
        raise AttachmentNameError(f"{shown}: a file name may not be '.' or '..' or end with a dot or space.")
    if any(char in text for char in '<>:"|?*'):
        raise AttachmentNameError(f'{shown}: a file name may not contain any of < > : " | ? *.')
    if text.split(".")[0].lower() in _RESERVED_WINDOWS:
        raise AttachmentNameError(f"{shown}: {text.split('.')[0]} is a reserved device name on Windows.")
    if len(text.encode("utf-8")) > NAME_MAX_BYTES:
        raise AttachmentNameError(f"{shown[:60]}...: a file name may be at most {NAME_MAX_BYTES} bytes long.")
    return text


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"%PDF-", "application/pdf"),
)
_ZIP_MEMBERS = (
    ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)
_TEXT_BY_SUFFIX = {".csv": "text/csv", ".eml": "message/rfc822"}
# Old Office files and Outlook messages share one container (OLE2); only the suffix tells them apart.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_BY_SUFFIX = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".msg": "application/vnd.ms-outlook",
}


def sniff_mime(data: bytes, name: str) -> str:
    """The type the bytes are, whatever the name claims; the suffix only refines plain text."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(_OLE_MAGIC):
        return _OLE_BY_SUFFIX.get(PurePath(name).suffix.lower(), "application/x-ole-storage")
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if _looks_like_text(data[:65536]):
        return _TEXT_BY_SUFFIX.get(PurePath(name).suffix.lower(), "text/plain")
    return "application/octet-stream"


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                if declared.startswith("application/vnd.oasis.opendocument."):
                    return declared
            if "[Content_Types].xml" in names:
                for prefix, mime in _ZIP_MEMBERS:
                    if any(member.startswith(prefix) for member in names):
                        return mime
    except (zipfile.BadZipFile, OSError, ValueError):
        return "application/octet-stream"
    return "application/zip"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB"
