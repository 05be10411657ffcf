"""Remove personal metadata from a JPEG without re-encoding it (the pixels stay bit-for-bit the same).

Dropped: EXIF (GPS, camera serial, owner name…), XMP, IPTC/Photoshop blocks, comments, maker segments and
anything after the end of the main image (phones append depth maps and previews that carry EXIF too).
Kept: JFIF (APP0), the ICC colour profile and the Adobe segment (both change how colours decode), and a
fresh EXIF block holding only the orientation, so the image still displays the right way up.
"""

from __future__ import annotations

import re
import struct

from PIL import Image

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
APP0, APP1, APP2, APP14 = 0xE0, 0xE1, 0xE2, 0xEE
STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0-7 carry no length
# In entropy-coded data a marker is 0xFF followed by anything but a stuffed 0x00, a restart or more fill.
SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


class NotAJpeg(ValueError):
    pass


def _keep(marker: int, payload: bytes) -> bool:
    if marker in (APP0, APP14):
        return True
    if marker == APP2:
        return payload.startswith(b"ICC_PROFILE\x00")
    return not (0xE0 <= marker <= 0xEF or marker == 0xFE)  # other APPn and COM go; tables and frames stay


def orientation_exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()  # starts with b"Exif\x00\x00"


def strip_jpeg(data: bytes, orientation: int = 1) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise NotAJpeg("missing SOI")
    out = bytearray(b"\xff\xd8")
    view = memoryview(data)  # the scan data (nearly all of the file) is copied once, into `out`
    pos = 2
    inserted = False

    def insert_exif() -> None:
        nonlocal inserted
        if not inserted:
            inserted = True
            if orientation != 1:
                block = orientation_exif(orientation)
                out.extend(b"\xff" + bytes([APP1]) + struct.pack(">H", len(block) + 2) + block)

    n = len(data)
    while pos < n:
        if data[pos] != 0xFF:
            raise NotAJpeg(f"expected a marker at {pos}")
        while pos < n and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            break
        marker = data[pos]
        pos += 1
        if marker == EOI:
            out.extend(b"\xff\xd9")
            return bytes(out)  # whatever trails the main image is dropped
        if marker in STANDALONE:
            out.extend(bytes([0xFF, marker]))
            continue
        if pos + 2 > n:
            raise NotAJpeg("truncated segment header")
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        segment = data[pos + 2 : pos + length]
        end = pos + length
        if marker != APP0 and not inserted:
            insert_exif()  # right after JFIF, before any table
        if _keep(marker, segment):
            out.extend(bytes([0xFF, marker]) + data[pos:end])
        pos = end
        if marker == SOS:
            # Entropy-coded data: runs until a marker that is neither a stuffed 0xFF00 nor a restart.
            found = SCAN_END.search(data, pos)
            if found is None:
                raise NotAJpeg("scan data runs past the end")
            scan = found.start()
            out.extend(view[pos:scan])
            pos = scan
    raise NotAJpeg("no EOI marker")


def metadata_size(head: bytes) -> tuple[int, int, bool]:
    """(metadata segments, their bytes, whether the walk reached the first scan) of a JPEG's leading bytes.

    A walk of the segment headers only — linear in the number of segments, nothing decoded — so it can run
    before the image library's marker parser, which is quadratic in the number of APP segments. ``head``
    may stop anywhere: the walk ends at the first scan or where the bytes end.
    """
    if head[:2] != b"\xff\xd8":
        raise NotAJpeg("missing SOI")
    pos, n = 2, len(head)
    segments = size = 0
    reached = False
    while pos + 4 <= n:
        if head[pos] != 0xFF:
            raise NotAJpeg(f"expected a marker at {pos}")
        while pos < n and head[pos] == 0xFF:
            pos += 1
        if pos + 3 > n:
            break
        marker = head[pos]
        pos += 1
        if marker in STANDALONE:
            continue
        if marker in (SOS, EOI):
            reached = True
            break
        (length,) = struct.unpack(">H", head[pos : pos + 2])
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            segments += 1
            size += length
        pos += length
    return segments, size, reached
