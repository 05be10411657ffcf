"""Spreadsheets and CSV written as they stream: XlsxWriter in constant-memory mode (each row goes to a
temporary file as soon as the next begins; an image is a file name and a few numbers until the workbook is
closed, when its bytes are copied into the archive), each thumbnail on disk, CSV line by line."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

import xlsxwriter
from PIL import Image

from media.storage import BlobNotFound, Storage, photo_key

THUMB_PX = 80  # longest side in the sheet: a JPEG thumbnail (320 px) decodes straight to it at 1/4 scale
ROW_HEIGHT_PT = 64
CHUNK = 64 * 1024


def small_thumb(storage: Storage, sha256: str, folder: str) -> tuple[str, int, int] | None:
    """The photo's stored thumbnail scaled to THUMB_PX as a JPEG file in ``folder``; None if missing."""
    try:
        with storage.open(photo_key(sha256, "thumb")) as fh, Image.open(fh) as img:
            # The JPEG decoder scales by 1/2, 1/4 or 1/8 to at least the size asked: ask for the box the photo
            # will fill (80 × 60 for a 320 × 240 thumbnail), so it decodes straight to it with no resize.
            fit = THUMB_PX / max(img.size)
            img.draft("RGB", (max(1, int(img.width * fit)), max(1, int(img.height * fit))))
            small = img.convert("RGB")
            small.thumbnail((THUMB_PX, THUMB_PX))
            path = os.path.join(folder, f"{sha256}.jpg")
            small.save(path, "JPEG", quality=80)
            return path, small.width, small.height
    except (BlobNotFound, FileNotFoundError, OSError):
        return None


def write_xlsx(
    path: str,
    rows: Iterable[dict[str, Any]],
    columns: list[tuple[str, str, int]],
    *,
    title: list[str],
    storage: Storage | None = None,
    photo_column: str | None = None,
) -> int:
    """Write ``rows`` (key, header, width per column) under the ``title`` lines; photos from ``storage``
    when ``photo_column`` names a column. Returns the number of rows."""
    n = 0
    with tempfile.TemporaryDirectory(prefix="xlsx-") as folder:
        wb = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                "tmpdir": folder,
                # User text stays text: no formula, link or number is made of it.
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        ws = wb.add_worksheet("Sheet1")
        bold = wb.add_format({"bold": True})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        top = wb.add_format({"valign": "top"})
        for i, (_, _, width) in enumerate(columns):
            ws.set_column(i, i, width)
        for r, line in enumerate(title):
            ws.write_string(r, 0, line, bold)
        header = len(title)
        for c, (_, name, _) in enumerate(columns):
            ws.write_string(header, c, name, bold)
        photo_index = [k for k, _, _ in columns].index(photo_column) if photo_column else -1
        wrapped = {"description", "place"}  # only the long texts wrap
        for row in rows:
            n += 1
            r = header + n
            thumb = None
            if photo_column and storage is not None and row.get(photo_column):
                thumb = small_thumb(storage, row[photo_column], folder)
            # A row's height is set before its cells: in constant-memory mode a written row is gone.
            if thumb is not None:
                ws.set_row(r, ROW_HEIGHT_PT)
            for c, (key, _, _) in enumerate(columns):
                if key == photo_column:
                    continue
                value = _safe(row.get(key, ""))
                if value is None or value == "":
                    continue
                ws.write(r, c, value, wrap if key in wrapped else top)
            if thumb is not None:
                ws.insert_image(r, photo_index, thumb[0], {"object_position": 1})
        wb.close()
    return n


def write_csv_lines(rows: Iterable[dict[str, Any]], columns: list[tuple[str, str, int]]) -> Iterator[bytes]:
    """CSV with a UTF-8 BOM (so Excel opens Chinese text correctly), one encoded chunk per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([name for _, name, _ in columns])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe(row.get(key, "")) for key, _, _ in columns])
        yield buffer.getvalue().encode("utf-8")


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in user text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def stream_file(path: str) -> Iterator[bytes]:
    """The file in chunks, removed once sent."""
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)
