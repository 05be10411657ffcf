"""Check a photo by its content (``inspect``), and make everything served from it from one decode (``render``).

``inspect`` reads only the header: the type comes from the bytes (a renamed PDF is refused whatever its
name or Content-Type), a JPEG's metadata segments are counted before Pillow parses them, and the pixel
count and the memory a decode would need are checked before anything is decoded (decompression bombs).
An upload is acknowledged on that; ``render`` runs later, in an image worker (``media.jobs``).

``render`` decodes the image completely (a truncated file fails there) under the process's memory budget
(``media.budget``). JPEGs are decoded at a reduced size with ``Image.draft`` — libjpeg scales while
decoding — at the smallest scale that covers what is made: a photo already display-sized (the PWA sends
2048 px) gets no display copy at all, its metadata-free original serves, and its thumbnail is decoded at
1/4 scale; a larger one is decoded near the display size, and both are cut from that one image. What can
run side by side does, on a second core (the strip of the original, bands of the display resize).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TypeVar

import pillow_heif
from PIL import Image, ImageOps

from . import errors
from .budget import budget
from .errors import MediaError
from .jpegmeta import NotAJpeg, metadata_size, strip_jpeg
from .settings import MediaSettings

pillow_heif.register_heif_opener()

T = TypeVar("T")
_local = threading.local()


def _mark_worker() -> None:
    _local.photo_worker = True


# Photos are made on dedicated threads. About one per core is decoded at a time, so memory stays bounded
# however many uploads arrive together; and a thread that does nothing else keeps the pages the photo before
# it used (the allocator reuses them), where a request thread faults in some 20 MB afresh for each photo
# after other work has run (4,000-7,000 page faults, 10-18 ms on a 2-core virtual machine).
# Helpers do smaller work beside a photo's thread: the JPEG strip, bands of a large resize, some thumbnails.
# None of it waits on anything, and what has not started when it is needed is done by the photo's thread.
def _new_pools() -> tuple[ThreadPoolExecutor, ThreadPoolExecutor]:
    photos = ThreadPoolExecutor(
        max_workers=max(2, os.cpu_count() or 2), thread_name_prefix="photo", initializer=_mark_worker
    )
    return photos, ThreadPoolExecutor(max_workers=2, thread_name_prefix="photo-helper")


def _renew_pools() -> None:
    """In a forked child (a pre-forking server) the parent's threads are gone: start afresh."""
    global _photos, _helpers
    _photos, _helpers = _new_pools()


_photos, _helpers = _new_pools()
os.register_at_fork(after_in_child=_renew_pools)


def _beside(fn: Callable[..., T], *args: Any) -> Callable[[], T]:
    """Start ``fn(*args)`` on a helper thread; the returned function gives its result (running it here if
    no helper has taken it yet, so a busy pool never makes a photo wait)."""
    future = _helpers.submit(fn, *args)
    return lambda: fn(*args) if future.cancel() else future.result()


HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/heic": "HEIF"}
ORIENTATION, DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL, EXIF_IFD = 0x0112, 0x9003, 0x9011, 0x8769
SNIFF_BYTES = 64
# Orientation tag → the turn that makes the image upright (as ``ImageOps.exif_transpose``).
TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
SPLIT_PIXELS = 1_000_000  # a resize to fewer pixels than this is not worth sharing out
BANDS = 4  # a large resize is cut into this many bands, shared between a photo's thread and the helpers
NOT_AN_IMAGE = "不是支持的图片格式（JPEG/PNG/WebP/HEIC） / Not a supported image (JPEG, PNG, WebP, HEIC)"


def sniff(head: bytes) -> str | None:
    """The image type from the first bytes of a file, or None if it is not one we accept."""
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        box_len = int.from_bytes(head[:4], "big")
        brands = [head[8:12]] + [head[i : i + 4] for i in range(16, min(box_len, len(head)), 4)]
        if brands[0] in HEIF_BRANDS or (brands[0] in (b"mif1", b"msf1") and HEIF_BRANDS.intersection(brands)):
            return "image/heic"
    return None


@dataclass
class Processed:
    mime: str
    width: int  # after orientation
    height: int
    taken_at: datetime | None
    orientation: int
    thumb: bytes
    display: bytes | None  # None: the photo is display-sized, its clean copy is shown instead
    derivative_mime: str
    clean: bytes  # the original without personal metadata
    clean_mime: str


def _taken_at(exif: Image.Exif, camera_tz: timezone) -> datetime | None:
    ifd = exif.get_ifd(EXIF_IFD)
    raw = ifd.get(DATETIME_ORIGINAL) or exif.get(0x0132)
    if not isinstance(raw, str):
        return None
    try:
        naive = datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = ifd.get(OFFSET_TIME_ORIGINAL)
    tz = camera_tz
    if isinstance(offset, str):
        with contextlib.suppress(ValueError):
            tz = datetime.strptime(offset.strip("\x00 "), "%z").tzinfo or camera_tz  # type: ignore[assignment]
    return naive.replace(tzinfo=tz)


def _draft_box(size: tuple[int, int], long_edge: int) -> tuple[int, int] | None:
    """The smallest size to decode at that still covers the display size (None: decode in full)."""
    w, h = size
    if max(w, h) <= long_edge:
        return None
    scale = long_edge / max(w, h)
    return max(1, math.ceil(w * scale)), max(1, math.ceil(h * scale))


def _encode(img: Image.Image, mime: str, quality: int) -> bytes:
    buf = io.BytesIO()
    if mime == "image/png":
        img.save(buf, "PNG", compress_level=6)
    else:
        if img.mode != "RGB":
            img = img.convert("RGB")
        img.save(buf, "JPEG", quality=quality, optimize=False, progressive=False)
    return buf.getvalue()


def _flatten(img: Image.Image) -> Image.Image:
    """RGB or RGBA only: palette, 16-bit and CMYK images are converted once, here."""
    if img.mode in ("RGB", "RGBA"):
        return img
    has_alpha = img.mode in ("LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    return img.convert("RGBA" if has_alpha else "RGB")


def _resize(
    img: Image.Image,
    size: tuple[int, int],
    resample: Image.Resampling,
    reducing_gap: float | None = None,
    meanwhile: Callable[[], T] | None = None,
) -> tuple[Image.Image, T | None]:
    """``img.resize(size, resample, reducing_gap=reducing_gap)``, made in bands when the result is large;
    and the result of ``meanwhile()``, which this thread does while the helpers start on the bands.

    Pillow releases the GIL while it resamples, so the bands are made on several cores. Each band is given
    its part of the source as a ``box`` and its filter reads past the box edge as a one-piece resize would,
    so there is no seam (a value may be rounded by one differently, nothing more). A band no helper has
    started by the time this thread is free is made here, so a busy or starved helper holds up one band at
    most, not half the image.
    """
    width, height = size
    if width * height < SPLIT_PIXELS or img.mode not in ("RGB", "L"):  # (RGBA is premultiplied first)
        return img.resize(size, resample, reducing_gap=reducing_gap), meanwhile() if meanwhile else None
    box = (0.0, 0.0, float(img.width), float(img.height))
    if reducing_gap is not None:  # as Pillow does it: an integer reduce first, then the filter
        fx = int(img.width / width / reducing_gap) or 1
        fy = int(img.height / height / reducing_gap) or 1
        if fx > 1 or fy > 1:
            img = img.reduce((fx, fy))
            box = (0.0, 0.0, box[2] / fx, box[3] / fy)
    rows = [height * i // BANDS for i in range(BANDS + 1)]
    edges = [box[3] * row / height for row in rows]

    def band(i: int) -> Image.Image:
        return img.resize((width, rows[i + 1] - rows[i]), resample, (0.0, edges[i], box[2], edges[i + 1]))

    later = [_beside(band, i) for i in range(1, BANDS)]
    other = meanwhile() if meanwhile else None
    out = Image.new(img.mode, size, None)  # no fill: the bands cover it
    out.paste(band(0), (0, 0))
    for i in reversed(range(1, BANDS)):  # the last band queued is the likeliest not to have been started
        out.paste(later[i - 1](), (0, rows[i]))
    return out, other


def _thumb(source: Image.Image, settings: MediaSettings, mime: str, turn: Image.Transpose | None) -> bytes:
    thumb = source
    if max(source.size) > settings.thumb_px:
        thumb = source.resize(_fit(source.size, settings.thumb_px), Image.Resampling.LANCZOS, reducing_gap=1.5)
    return _encode(thumb if turn is None else thumb.transpose(turn), mime, 78)


def derivatives(
    image: Image.Image, settings: MediaSettings, mime: str, turn: Image.Transpose | None = None
) -> tuple[bytes, bytes]:
    """Thumbnail and display size, encoded.

    ``turn`` is the orientation still to apply (None: ``image`` is upright). It is applied to the two small
    images after resizing, which costs far less than turning the decoded photo first.

    The JPEG decoder has already scaled by a power of two (``draft``), so what is left is a step of less
    than 2×, where Pillow's bilinear filter (antialiased, support scaled with the ratio) comes within
    ~40 dB PSNR of LANCZOS on the full image at a fraction of the cost. Other formats arrive at full size
    and get LANCZOS after an integer reduce.

    From an image at most twice the display size (any JPEG after ``draft``) the thumbnail is cut directly,
    by this thread while the helpers start on the display image's bands; from a larger one it is cut from
    the display image (cheaper than reducing the full image again) by a helper while this thread encodes the
    display image.
    """
    gentle = max(image.size) < 2 * settings.display_px
    display, thumb = image, None
    if max(image.size) > settings.display_px:
        display, thumb = _resize(
            image,
            _fit(image.size, settings.display_px),
            Image.Resampling.BILINEAR if gentle else Image.Resampling.LANCZOS,
            reducing_gap=None if gentle else 2.0,
            meanwhile=(lambda: _thumb(image, settings, mime, turn)) if gentle else None,
        )
    upright = display if turn is None else display.transpose(turn)
    if thumb is not None:
        return thumb, _encode(upright, mime, 84)
    thumbing = _beside(_thumb, display, settings, mime, turn)
    encoded = _encode(upright, mime, 84)
    return thumbing(), encoded


def _fit(size: tuple[int, int], long_edge: int) -> tuple[int, int]:
    w, h = size
    scale = long_edge / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def open_checked(path: str, settings: MediaSettings) -> tuple[Image.Image, str]:
    """Open a file as an image after sniffing it and checking its header; nothing is decoded yet.

    A JPEG's metadata segments are counted first, by a walk of its segment headers: Pillow's marker parser
    is quadratic in their number (600 APP1 segments of 64 KB cost 21 s of CPU), so too many, or too many
    bytes of them, are refused before Pillow sees the file.
    """
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
        mime = sniff(head)
        if mime is None:
            raise MediaError(errors.NOT_AN_IMAGE, NOT_AN_IMAGE)
        if mime == "image/jpeg":
            fh.seek(0)
            limit = settings.max_metadata_bytes + HEADER_SLACK
            header = fh.read(limit)
            _check_metadata(header, len(header) == limit, settings)
    try:
        img = Image.open(path, formats=[PIL_FORMATS[mime]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(errors.TOO_MANY_PIXELS, "图片像素过多 / The image has too many pixels") from exc
    except Exception as exc:  # Pillow raises many types for a broken header
        raise MediaError(
            errors.DAMAGED, "图片文件已损坏，无法读取 / The image file is damaged and cannot be read"
        ) from exc
    w, h = img.size
    if w <= 0 or h <= 0 or w * h > settings.max_pixels:
        img.close()
        raise MediaError(
            errors.TOO_MANY_PIXELS,
            f"图片像素过多（上限 {settings.max_pixels:,}） / "
            f"The image has too many pixels (limit {settings.max_pixels:,})",
        )
    return img, mime


HEADER_SLACK = 256 * 1024  # tables and frame headers besides the metadata


def _check_metadata(header: bytes, truncated: bool, settings: MediaSettings) -> None:
    try:
        segments, size, reached = metadata_size(header)
    except NotAJpeg as exc:
        raise MediaError(errors.DAMAGED, "JPEG 结构损坏 / The JPEG structure is damaged") from exc
    if segments > settings.max_metadata_segments or size > settings.max_metadata_bytes or (truncated and not reached):
        raise MediaError(
            errors.TOO_MUCH_METADATA,
            f"照片附带的元数据过多（上限 {settings.max_metadata_segments} 段、"
            f"{settings.max_metadata_bytes // 1024} KB），请用相机原图或重新拍摄 / The photo carries too much "
            f"metadata (limit {settings.max_metadata_segments} segments, {settings.max_metadata_bytes // 1024} KB)",
        )


@dataclass
class Inspected:
    """What the header says, checked: enough to acknowledge an upload without decoding it."""

    mime: str
    width: int  # after orientation
    height: int
    orientation: int
    taken_at: datetime | None
    derivative_mime: str
    clean_mime: str
    decode_cost: int  # bytes of memory the derivatives will take to make


def _bytes_per_pixel(mode: str) -> int:
    return {"1": 1, "L": 1, "P": 4, "RGB": 3, "YCbCr": 3}.get(mode, 4)


def _draft_scale(size: tuple[int, int], long_edge: int) -> int:
    """The reduction libjpeg's draft mode gives for a target long edge: 1, 2, 4 or 8."""
    scale = 1
    while scale < 8 and max(size) / (scale * 2) >= long_edge:
        scale *= 2
    return scale


def display_sized(size: tuple[int, int], settings: MediaSettings) -> bool:
    """A photo this small is its own display copy: no second copy is made."""
    return max(size) <= settings.display_max_px


def decode_cost(mime: str, size: tuple[int, int], mode: str, settings: MediaSettings) -> int:
    """Memory the derivatives of an image take: the decoded pixels (at the reduced scale a JPEG is decoded
    at) and one working copy of them."""
    w, h = size
    if mime == "image/jpeg":
        target = settings.thumb_px if display_sized(size, settings) else settings.display_px
        scale = _draft_scale(size, target)
        w, h = math.ceil(w / scale), math.ceil(h / scale)
    return w * h * _bytes_per_pixel(mode) * 2


def _header_exif(img: Image.Image, mime: str) -> Image.Exif:
    """The EXIF block read with the header. (Pillow's PNG ``getexif`` decodes the whole image to look for
    an eXIf chunk after the pixels; here only one before them counts.)"""
    exif = Image.Exif()
    try:
        if mime == "image/png":
            raw = img.info.get("exif")
            if isinstance(raw, bytes):
                exif.load(raw)
            return exif
        return img.getexif()
    except Exception:  # a broken EXIF block: the photo is still a photo
        return Image.Exif()


def inspect(path: str, settings: MediaSettings) -> Inspected:
    """Check a file from its header — type, pixel count, metadata, the memory a decode would take — and
    read its size, orientation and capture time. Nothing is decoded. Raises MediaError."""
    img, mime = open_checked(path, settings)
    with img:
        cost = decode_cost(mime, img.size, img.mode, settings)
        if cost > settings.max_decode_bytes:
            mb = settings.max_decode_bytes // (1024 * 1024)
            raise MediaError(
                errors.TOO_MUCH_MEMORY,
                f"图片过大，处理需要的内存超过 {mb} MB 上限，请缩小后再传 / "
                f"The image would need more than {mb} MB of memory to process; send a smaller one",
            )
        exif = _header_exif(img, mime)
        orientation = int(exif.get(ORIENTATION, 1) or 1)
        if orientation not in range(1, 9):
            orientation = 1
        taken_at = _taken_at(exif, settings.camera_tz)
        full_size = img.size
    swap = orientation in (5, 6, 7, 8)
    width, height = (full_size[1], full_size[0]) if swap else full_size
    return Inspected(
        mime=mime,
        width=width,
        height=height,
        orientation=orientation,
        taken_at=taken_at,
        derivative_mime="image/png" if mime == "image/png" else "image/jpeg",
        clean_mime="image/png" if mime == "image/png" else "image/jpeg",
        decode_cost=cost,
    )


def _stripped(path: str, orientation: int) -> bytes:
    with open(path, "rb") as fh:
        return strip_jpeg(fh.read(), orientation)


def process(path: str, settings: MediaSettings) -> Processed:
    """Validate the file at ``path`` and make its thumbnail, display size and metadata-free original.

    The work is done on a photo thread (see ``_photos``) under the process's memory budget; this thread
    waits for it. Raises MediaError.
    """
    found = inspect(path, settings)
    if getattr(_local, "photo_worker", False):
        return render(path, settings, found)
    return _photos.submit(render, path, settings, found).result()


def render(path: str, settings: MediaSettings, found: Inspected) -> Processed:
    """The derivatives of an inspected file, holding its decode cost of the memory budget meanwhile."""
    with budget(settings.decode_budget_bytes).hold(min(found.decode_cost, settings.decode_budget_bytes)):
        return _render(path, settings, found)


def _render(path: str, settings: MediaSettings, found: Inspected) -> Processed:
    img, mime = open_checked(path, settings)
    orientation = found.orientation
    with img:
        small = display_sized(img.size, settings)
        # The metadata-free original is cut from the raw bytes on another thread while the decoder, which
        # releases the GIL, runs here.
        stripping = _beside(_stripped, path, orientation) if mime == "image/jpeg" else None
        if mime == "image/jpeg" and img.mode in ("RGB", "L", "YCbCr"):
            # Decode at the smallest scale that covers what is made: the thumbnail alone for a photo that is
            # its own display copy, else the display size.
            box = _draft_box(img.size, settings.thumb_px) if small else _draft_box(img.size, settings.display_px)
            if box is not None:
                img.draft("RGB" if img.mode != "L" else "L", box)
        try:
            img.load()  # the one decode; a truncated or corrupt file fails here
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise MediaError(errors.TOO_MANY_PIXELS, "图片像素过多 / The image has too many pixels") from exc
        except Exception as exc:
            raise MediaError(errors.DAMAGED, "图片文件不完整或已损坏 / The image file is truncated or damaged") from exc
        derivative_mime = found.derivative_mime
        display: bytes | None
        if mime == "image/jpeg":  # the original is kept as it is, so only the small images are turned
            flat, turn = _flatten(img), TURNS.get(orientation)
            if small:
                thumb, display = _thumb(flat, settings, derivative_mime, turn), None
            else:
                thumb, display = derivatives(flat, settings, derivative_mime, turn)
        else:
            # In place: a 12 MP photo that needs no turning is not copied (the image is ours until `with` ends).
            ImageOps.exif_transpose(img, in_place=True)
            upright = _flatten(img)
            if small:
                thumb, display = _thumb(upright, settings, derivative_mime, None), None
            else:
                thumb, display = derivatives(upright, settings, derivative_mime)
        if mime == "image/png":
            clean, clean_mime = _encode(upright, "image/png", 0), "image/png"
        elif mime != "image/jpeg":  # WebP and HEIC: a full-size JPEG every browser can show
            clean, clean_mime = _encode(upright, "image/jpeg", 92), "image/jpeg"

    if stripping is not None:
        try:
            clean, clean_mime = stripping(), "image/jpeg"
        except NotAJpeg as exc:
            raise MediaError(errors.DAMAGED, "JPEG 结构损坏 / The JPEG structure is damaged") from exc

    return Processed(
        mime=mime,
        width=found.width,
        height=found.height,
        taken_at=found.taken_at,
        orientation=orientation,
        thumb=thumb,
        display=display,
        derivative_mime=derivative_mime,
        clean=clean,
        clean_mime=clean_mime,
    )
