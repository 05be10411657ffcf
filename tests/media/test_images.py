"""Validation, orientation, metadata stripping and derivatives, without a server or a database."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from media import images
from media.errors import MediaError
from media.images import process, sniff
from media.jpegmeta import strip_jpeg
from media.settings import MediaSettings
from tests.media import imagegen as g

# Every photo gets its own display copy here (to check how it is turned and scaled); a display-sized photo
# served as its own display copy is tested in test_jobs.py.
SETTINGS = MediaSettings(display_max_px=0)


def write(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "upload"
    path.write_bytes(data)
    return str(path)


def decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return img.copy()


def is_red(pixel: tuple[int, ...]) -> bool:
    return pixel[0] > 200 and pixel[1] < 60 and pixel[2] < 60


@pytest.mark.parametrize(
    ("maker", "mime"),
    [(g.jpeg, "image/jpeg"), (g.png, "image/png"), (g.webp, "image/webp"), (g.heic, "image/heic")],
)
def test_sniff_by_content(maker: object, mime: str) -> None:
    assert sniff(maker()[:64]) == mime  # type: ignore[operator]


@pytest.mark.parametrize("data", [g.renamed_pdf(), b"GIF89a" + b"\0" * 40, b"", b"<svg xmlns=...>", b"\0" * 64])
def test_sniff_refuses_other_content(data: bytes) -> None:
    assert sniff(data[:64]) is None


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
def test_exif_orientation_is_applied(tmp_path: Path, orientation: int) -> None:
    # The sensor image is 640×480 with a red block in its top-left corner; the tag says how to turn it.
    done = process(write(tmp_path, g.jpeg(640, 480, orientation=orientation)), SETTINGS)
    upright = orientation in (1, 3)
    assert (done.width, done.height) == ((640, 480) if upright else (480, 640))
    thumb = decoded(done.thumb)
    assert max(thumb.size) == 320
    w, h = thumb.size
    corner = {1: (2, 2), 3: (w - 3, h - 3), 6: (w - 3, 2), 8: (2, h - 3)}[orientation]
    assert is_red(thumb.getpixel(corner)), thumb.getpixel(corner)
    display = decoded(done.display)
    assert display.size == (done.width, done.height)  # smaller than 1600: not enlarged


def test_capture_time_kept_gps_stripped(tmp_path: Path) -> None:
    original = g.jpeg(640, 480, orientation=6)
    assert decoded(original).getexif().get_ifd(0x8825)  # the camera wrote GPS
    done = process(write(tmp_path, original), SETTINGS)
    assert done.taken_at is not None and done.taken_at.isoformat() == "2025-03-01T10:20:30+08:00"
    for served in (done.clean, done.thumb, done.display):
        exif = decoded(served).getexif()
        assert not exif.get_ifd(0x8825)  # no GPS
        assert 0x013B not in exif and 0x010F not in exif  # no artist, no camera make
    # The clean original keeps only the orientation, and its pixels are the camera's, bit for bit.
    assert dict(decoded(done.clean).getexif()) == {0x0112: 6}
    assert ImageChops.difference(decoded(done.clean), decoded(original)).getbbox() is None
    assert b"Zhang San" in original and b"Zhang San" not in done.clean


def test_strip_drops_trailing_data_and_keeps_icc() -> None:
    buf = io.BytesIO()
    icc = b"\0" * 128  # the bytes matter only as a segment to keep
    g.photo(64, 48).save(buf, "JPEG", exif=g.camera_exif(1), icc_profile=icc, comment=b"secret")
    data = buf.getvalue() + b"\xff\xd8 an appended depth map with its own EXIF"
    stripped = strip_jpeg(data, 1)
    assert stripped.endswith(b"\xff\xd9")
    assert b"secret" not in stripped and b"Exif" not in stripped and b"depth" not in stripped
    assert b"ICC_PROFILE" in stripped
    assert decoded(stripped).size == (64, 48)


def test_large_jpeg_uses_reduced_decode(tmp_path: Path) -> None:
    done = process(write(tmp_path, g.jpeg(3600, 2400, exif=False)), SETTINGS)
    assert (done.width, done.height) == (3600, 2400)  # the photo's own size is recorded, not the draft's
    assert decoded(done.display).size == (1600, 1067)
    assert decoded(done.thumb).size == (320, 213)


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_large_turned_jpeg(tmp_path: Path, orientation: int) -> None:
    # The reduced decode stays in the sensor's orientation; only the two small images are turned.
    original = g.jpeg(3600, 2400, orientation=orientation)
    done = process(write(tmp_path, original), SETTINGS)
    upright = orientation == 3
    assert (done.width, done.height) == ((3600, 2400) if upright else (2400, 3600))
    display, thumb = decoded(done.display), decoded(done.thumb)
    assert display.size == ((1600, 1067) if upright else (1067, 1600))
    assert thumb.size == ((320, 213) if upright else (213, 320))
    for img in (display, thumb):
        w, h = img.size
        corner = {3: (w - 3, h - 3), 6: (w - 3, 2), 8: (2, h - 3)}[orientation]
        assert is_red(img.getpixel(corner)), img.getpixel(corner)
    # The clean original is the camera's bytes: not turned, orientation tag kept, no GPS.
    assert dict(decoded(done.clean).getexif()) == {0x0112: orientation}
    assert ImageChops.difference(decoded(done.clean), decoded(original)).getbbox() is None


def test_large_png_is_reduced_then_resized(tmp_path: Path) -> None:
    # Over twice the display size and not a JPEG: no reduced decode, so an integer reduce, then LANCZOS in bands.
    buf = io.BytesIO()
    g.photo(3400, 2200).save(buf, "PNG", compress_level=1)
    done = process(write(tmp_path, buf.getvalue()), SETTINGS)
    display, thumb = decoded(done.display), decoded(done.thumb)
    assert display.size == (1600, 1035) and thumb.size == (320, 207)
    for img in (display, thumb):
        assert is_red(img.getpixel((2, 2)))
    reference = decoded(buf.getvalue()).resize((1600, 1035), Image.Resampling.LANCZOS, reducing_gap=2.0)
    low, high = zip(*ImageChops.difference(display, reference).getextrema(), strict=True)
    assert max(high) <= 2  # PNG is lossless: the banded resize is the one-piece resize, give or take rounding


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_matches_exif_transpose(tmp_path: Path, orientation: int) -> None:
    original = g.jpeg(640, 480, orientation=orientation)
    done = process(write(tmp_path, original), SETTINGS)
    display = decoded(done.display)
    assert display.size == (done.width, done.height)

    def error(turned: Image.Image) -> float:
        if turned.size != display.size:
            return 255.0
        return sum(ImageStat.Stat(ImageChops.difference(display, turned)).mean) / 3

    # Of the eight ways to lay the sensor image down, the served one is closest to what Pillow makes of the tag.
    sensor = decoded(original)
    candidates = {n: ImageOps.exif_transpose(_tagged(sensor, n)) for n in range(1, 9)}
    assert min(candidates, key=lambda n: error(candidates[n])) == orientation


def _tagged(img: Image.Image, orientation: int) -> Image.Image:
    copy = img.copy()
    copy.getexif()[0x0112] = orientation
    return copy


@pytest.mark.parametrize(
    ("size", "reducing_gap"), [((1600, 1200), None), ((1600, 1067), None), ((1201, 1599), None), ((1600, 1200), 2.0)]
)
def test_banded_resize_matches_one_piece(size: tuple[int, int], reducing_gap: float | None) -> None:
    source = g.photo(2000 if reducing_gap is None else 4000, 1500 if reducing_gap is None else 3000)
    if size[0] < size[1]:
        source = source.transpose(Image.Transpose.ROTATE_90)
    resample = Image.Resampling.BILINEAR if reducing_gap is None else Image.Resampling.LANCZOS
    banded, _ = images._resize(source, size, resample, reducing_gap)
    whole = source.resize(size, resample, reducing_gap=reducing_gap)
    assert banded.size == size
    low, high = zip(*ImageChops.difference(banded, whole).getextrema(), strict=True)
    assert max(high) <= 2  # rounding in the order of the two passes, no seam, no shift


def test_busy_helpers_do_not_hold_up_a_photo(tmp_path: Path) -> None:
    # Every helper thread is taken (other uploads); the photo's own thread does the strip, the bands and
    # the thumbnail itself instead of waiting.
    release = threading.Event()
    blockers = [images._helpers.submit(release.wait, 30) for _ in range(images._helpers._max_workers)]
    try:
        done = images._photos.submit(images.process, write(tmp_path, g.jpeg(2400, 1800)), SETTINGS)
        result = done.result(timeout=20)
        assert decoded(result.display).size == (1600, 1200)
        assert decoded(result.thumb).size == (320, 240)
        assert dict(decoded(result.clean).getexif()) == {}  # stripped, orientation 1
    finally:
        release.set()
        for blocker in blockers:
            blocker.result()


@pytest.mark.parametrize(("maker", "served"), [(g.png, "image/png"), (g.webp, "image/jpeg"), (g.heic, "image/jpeg")])
def test_other_formats(tmp_path: Path, maker: object, served: str) -> None:
    done = process(write(tmp_path, maker()), SETTINGS)  # type: ignore[operator]
    assert done.clean_mime == served
    assert decoded(done.clean).size == (done.width, done.height)
    assert is_red(decoded(done.thumb).getpixel((2, 2)))


def test_heic_capture_time(tmp_path: Path) -> None:
    done = process(write(tmp_path, g.heic()), SETTINGS)
    assert done.mime == "image/heic"
    assert done.taken_at is not None and done.taken_at.year == 2025
    assert not decoded(done.clean).getexif().get_ifd(0x8825)


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (g.renamed_pdf(), 415),
        (g.truncated_jpeg(), 422),
        (g.png_bomb(), 422),  # 2.5 gigapixels declared in a few hundred bytes
        (g.jpeg()[:200], 422),  # headers only
        (b"\xff\xd8\xff\xe0" + b"\0" * 100, 422),  # JPEG magic, no image
        (b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 50, 422),
    ],
)
def test_bad_files_refused(tmp_path: Path, data: bytes, status: int) -> None:
    with pytest.raises(MediaError) as err:
        process(write(tmp_path, data), SETTINGS)
    assert err.value.status == status
    assert " / " in err.value.message  # bilingual


def test_pixel_limit_is_configurable(tmp_path: Path) -> None:
    path = write(tmp_path, g.png(1200, 900))
    process(path, SETTINGS)
    with pytest.raises(MediaError) as err:
        process(path, MediaSettings(max_pixels=1_000_000))
    assert err.value.status == 422 and "1,000,000" in err.value.message
