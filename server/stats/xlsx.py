"""Spreadsheets and CSV written as they stream: openpyxl's write-only mode into a temporary file, each
thumbnail on disk until the workbook is closed (openpyxl reads it only then), CSV line by line."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image as XlImage
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyCell
from PIL import Image

from media.storage import BlobNotFound, Storage, photo_key

THUMB_PX = 80  # longest side in the sheet: a JPEG thumbnail (320 px) decodes straight to it at 1/4 scale
ROW_HEIGHT_PT = 64
CHUNK = 64 * 1024


class DiskImage(XlImage):
    """An image whose bytes stay in a file until the workbook is written."""

    def __init__(self, path: str, width: int, height: int):
        self.ref = path
        self.width, self.height, self.format = width, height, "jpeg"

    def _data(self) -> bytes:
        return Path(self.ref).read_bytes()


def small_thumb(storage: Storage, sha256: str, folder: str) -> tuple[str, int, int] | None:
    """The photo's stored thumbnail scaled to THUMB_PX as a JPEG file in ``folder``; None if missing."""
    try:
        with storage.open(photo_key(sha256, "thumb")) as fh, Image.open(fh) as img:
            img.draft("RGB", (THUMB_PX, THUMB_PX))
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
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    for i, (_, _, width) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    wrapped = {"description", "place"}  # styled cells cost a style lookup each: only the long texts wrap
    for line in title:
        cell = WriteOnlyCell(ws, value=line)
        cell.font = bold
        ws.append([cell])
    header = []
    for _, name, _ in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    photo_index = [k for k, _, _ in columns].index(photo_column) if photo_column else -1
    n = 0
    with tempfile.TemporaryDirectory(prefix="xlsx-thumbs-") as folder:
        for row in rows:
            n += 1
            excel_row = len(title) + 1 + n
            cells: list[Any] = []
            for key, _, _ in columns:
                value = "" if key == photo_column else _safe(row.get(key, ""))
                if key in wrapped:
                    value = WriteOnlyCell(ws, value=value)
                    value.alignment = wrap
                cells.append(value)
            if photo_column and storage is not None and row.get(photo_column):
                thumb = small_thumb(storage, row[photo_column], folder)
                if thumb is not None:
                    image = DiskImage(*thumb)
                    image.anchor = f"{get_column_letter(photo_index + 1)}{excel_row}"
                    ws.add_image(image)
                    ws.row_dimensions[excel_row].height = ROW_HEIGHT_PT
            ws.append(cells)
        wb.save(path)
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
