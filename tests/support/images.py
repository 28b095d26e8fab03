"""Real image bytes made by Pillow for attachment tests: screenshots, photos with EXIF, bombs, damage."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image, ImageDraw

ORIENTATION = 0x0112
GPS_IFD = 0x8825


def ui_screenshot(width: int = 1920, height: int = 1080, seed: int = 1) -> Image.Image:
    """Something that looks like an application window: bars, a list of rows with text, an icon."""
    rnd = random.Random(seed)
    image = Image.new("RGB", (width, height), (243, 244, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 40), fill=(40, 44, 52))
    draw.rectangle((0, 40, min(300, width // 4), height), fill=(229, 231, 235))
    for row in range(max(1, (height - 60) // 22)):
        top = 60 + row * 22
        draw.rectangle(
            (width // 4 + 20, top, width - 20, top + 20), fill=(255, 255, 255) if row % 2 else (249, 250, 251)
        )
        draw.text(
            (width // 4 + 30, top + 4),
            f"INC-{rnd.randint(1000, 9999)}  Printer on floor {rnd.randint(1, 9)} offline  {rnd.random():.6f}",
            fill=(20, 20, 20),
        )
    draw.ellipse((width - 300, 60, width - 100, 260), outline=(200, 30, 30), width=3)
    return image


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png_bytes(width: int = 320, height: int = 200, seed: int = 1) -> bytes:
    return encode(ui_screenshot(width, height, seed), "PNG")


def webp_bytes(width: int = 320, height: int = 200) -> bytes:
    return encode(ui_screenshot(width, height), "WEBP", quality=80)


def photo(width: int = 400, height: int = 300, seed: int = 3) -> Image.Image:
    """Noisy gradients, like a photo: compresses badly, as photos do."""
    rnd = random.Random(seed)
    noise = bytes(rnd.randrange(256) for _ in range(width * height))
    base = Image.linear_gradient("L").resize((width, height))
    red = Image.blend(base, Image.frombytes("L", (width, height), noise), 0.3)
    return Image.merge("RGB", (red, base.transpose(Image.Transpose.FLIP_LEFT_RIGHT), base.rotate(90)))


def jpeg_with_exif(width: int = 400, height: int = 300, orientation: int = 6, gps: bool = True) -> bytes:
    """A landscape-stored JPEG whose EXIF says to rotate it (6 = 90° clockwise) and where it was taken."""
    image = photo(width, height)
    # A marker in the top-left corner tells which way the pixels ended up.
    ImageDraw.Draw(image).rectangle((0, 0, 40, 40), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (52.0, 22.0, 12.0), 3: "E", 4: (4.0, 53.0, 31.0)}
    return encode(image, "JPEG", quality=90, exif=exif)


def bomb_png(width: int = 10_000, height: int = 5_000) -> bytes:
    """A real small PNG whose header then claims ``width``×``height`` (50 Mpx by default), CRC fixed."""
    data = bytearray(encode(Image.new("RGB", (16, 16), (10, 20, 30)), "PNG"))
    ihdr_at = 8  # after the signature: length(4) "IHDR"(4) width(4) height(4) ...
    struct.pack_into(">II", data, ihdr_at + 8, width, height)
    chunk = bytes(data[ihdr_at + 4 : ihdr_at + 8 + 13])
    struct.pack_into(">I", data, ihdr_at + 8 + 13, zlib.crc32(chunk))
    return bytes(data)


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]
