"""Capture package units: name rules, MIME sniffing, and the screenshot encoder's choice."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from desktop_app.capture.images import encode_screenshot
from desktop_app.capture.rules import attachment_policy, clean_display_name, sniff_mime
from desktop_app.domain.attachments import AttachmentNameError
from tests.support import images


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("a/b.png", "path separators"),
        ("a\\b.png", "path separators"),
        ("tab\there.txt", "control characters"),
        ("rtl\u202egnp.exe", "control characters"),
        ("..", "'.' or '..'"),
        ("report.", "end with a dot"),
        ("what?.txt", "may not contain any of"),
        ("CON.txt", "reserved device name"),
        ("x" * 300 + ".txt", "at most 255 bytes"),
        ("   ", "empty"),
    ],
)
def test_bad_names_are_refused_with_the_rule(name: str, rule: str) -> None:
    with pytest.raises(AttachmentNameError, match=rule if rule != "'.' or '..'" else r"'\.' or '\.\.'"):
        clean_display_name(name)


def test_good_names_are_kept_trimmed_and_normalised() -> None:
    assert clean_display_name("  Übersicht Q3.xlsx ") == "Übersicht Q3.xlsx"
    assert clean_display_name("Cafe\u0301.png") == "Café.png"  # NFC


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (images.png_bytes(), "x.jpg", "image/png"),
        (images.jpeg_with_exif(), "x.png", "image/jpeg"),
        (images.webp_bytes(), "x", "image/webp"),
        (b"%PDF-1.7\n", "x.pdf", "application/pdf"),
        (b"a;b\n1;2\n", "x.csv", "text/csv"),
        ("grüße\n".encode(), "x.txt", "text/plain"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "mail.msg", "application/vnd.ms-outlook"),
        (b"MZ\x90\x00" + bytes(64), "x.txt", "application/octet-stream"),
    ],
)
def test_sniffing_believes_the_bytes_not_the_name(data: bytes, name: str, mime: str) -> None:
    assert sniff_mime(data, name) == mime


def test_the_size_limit_comes_from_the_settings() -> None:
    class Settings:
        attachment_max_mb = 2

    assert attachment_policy(Settings()).max_bytes == 2 * 1024 * 1024
    assert attachment_policy(object()).max_bytes == 25 * 1024 * 1024


@pytest.mark.parametrize("picture", [images.ui_screenshot(640, 400), images.photo(320, 240)])
def test_a_screenshot_is_never_bigger_than_either_optimized_png_or_lossless_webp(picture: Image.Image) -> None:
    chosen = encode_screenshot(picture.copy())
    png = images.encode(picture, "PNG", optimize=True)
    webp = images.encode(picture, "WEBP", lossless=True, quality=75, method=1)
    assert len(chosen.data) <= min(len(png), len(webp))
    with Image.open(io.BytesIO(chosen.data)) as decoded:
        assert decoded.convert("RGB").tobytes() == picture.tobytes()
