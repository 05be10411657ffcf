"""Test and benchmark images made on the spot: camera-like JPEGs with EXIF (orientation, capture time,
GPS), HEIC from the iPhone encoder path, and the bad files an upload endpoint must refuse."""

from __future__ import annotations

import io
import zlib

from PIL import Image, ImageDraw

GPS_IFD, EXIF_IFD = 0x8825, 0x8769


def photo(width: int = 640, height: int = 480, seed: int = 0) -> Image.Image:
    """Noise over gradients and a few shapes: compresses like a real photo, not like a flat colour.
    The noise is random, so every call gives different bytes (and a different hash)."""
    noise = [Image.effect_noise((width, height), 40 + seed % 7 + i * 3) for i in range(3)]
    grad = Image.linear_gradient("L").resize((width, height))
    radial = Image.radial_gradient("L").resize((width, height))
    r = Image.blend(noise[0], grad, 0.6)
    g = Image.blend(noise[1], radial, 0.5)
    b = Image.blend(noise[2], grad.transpose(Image.Transpose.ROTATE_90).resize((width, height)), 0.4)
    img = Image.merge("RGB", (r, g, b))
    draw = ImageDraw.Draw(img)
    # An upright marker: a red block in the top-left corner, so tests can check orientation.
    draw.rectangle((0, 0, width // 4, height // 4), fill=(255, 0, 0))
    draw.text((width // 2, height // 2), f"#{seed}", fill=(255, 255, 255))
    return img


def camera_exif(orientation: int = 1, taken: str = "2025:03:01 10:20:30", offset: str | None = "+08:00") -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestCam"  # Make
    exif[0x013B] = "Zhang San"  # Artist: personal
    sub = exif.get_ifd(EXIF_IFD)
    sub[0x9003] = taken
    if offset:
        sub[0x9011] = offset
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (23.0, 1.0, 30.5)
    gps[3] = "E"
    gps[4] = (113.0, 7.0, 12.25)
    return exif.tobytes()


def jpeg(
    width: int = 640, height: int = 480, seed: int = 0, orientation: int = 1, quality: int = 90, exif: bool = True
) -> bytes:
    """A JPEG stored as the camera saw it: a sensor-landscape image plus the orientation tag."""
    buf = io.BytesIO()
    kwargs = {"exif": camera_exif(orientation)} if exif else {}
    photo(width, height, seed).save(buf, "JPEG", quality=quality, **kwargs)
    return buf.getvalue()


def png(width: int = 300, height: int = 200, seed: int = 0) -> bytes:
    buf = io.BytesIO()
    photo(width, height, seed).save(buf, "PNG")
    return buf.getvalue()


def webp(width: int = 300, height: int = 200, seed: int = 0) -> bytes:
    buf = io.BytesIO()
    photo(width, height, seed).save(buf, "WEBP", quality=80)
    return buf.getvalue()


def heic(width: int = 320, height: int = 240, seed: int = 0) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    buf = io.BytesIO()
    photo(width, height, seed).save(buf, "HEIF", quality=80, exif=camera_exif(1))
    return buf.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg(800, 600, seed=3)
    return data[: len(data) // 2]


def renamed_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny PNG whose header claims a huge canvas: what a decompression bomb looks like at the door."""
    data = bytearray(png(8, 8))
    ihdr = 8 + 8  # signature, then the IHDR length and type
    data[ihdr : ihdr + 4] = width.to_bytes(4, "big")
    data[ihdr + 4 : ihdr + 8] = height.to_bytes(4, "big")
    crc = zlib.crc32(bytes(data[ihdr - 4 : ihdr + 13]))
    data[ihdr + 13 : ihdr + 17] = crc.to_bytes(4, "big")
    return bytes(data)


def app1_bomb(segments: int = 600, length: int = 65533) -> bytes:
    """A small JPEG carrying ``segments`` APP1 segments of ``length`` bytes each: Pillow's marker parser is
    quadratic in their number (600 × 64 KB cost 21 s of CPU)."""
    base = jpeg(64, 48, exif=False)
    segment = b"\xff\xe1" + length.to_bytes(2, "big") + b"Exif\x00\x00" + bytes(length - 8)
    return base[:2] + segment * segments + base[2:]


def noise_png(width: int, height: int) -> bytes:
    """Random pixels: a PNG about as large as its pixels (for uploads in several parts)."""
    import os

    buf = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buf, "PNG", compress_level=1)
    return buf.getvalue()
