"""Draw an inspector's mark-up over a photo, for reports. The original photo is never modified.

Shapes use coordinates normalised to the upright photo (0..1 across its width and down its height):
- ``arrow``:  x0, y0 (tail) → x1, y1 (head)
- ``circle``: cx, cy, r (r as a fraction of the photo's width)
- ``text``:   x, y (top-left), text, size (letter height as a fraction of the photo's height)
Each has ``color`` (#RRGGBB) and arrows and circles a ``width`` (stroke, fraction of the long edge).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from typing import Any

from PIL import Image, ImageColor, ImageDraw, ImageOps

from . import fonts

DEFAULT_COLOR = "#FF0000"
DEFAULT_STROKE = 0.006
DEFAULT_TEXT_SIZE = 0.04


def _color(shape: dict[str, Any]) -> tuple[int, int, int]:
    try:
        rgb = ImageColor.getrgb(str(shape.get("color") or DEFAULT_COLOR))
    except ValueError:
        rgb = ImageColor.getrgb(DEFAULT_COLOR)
    return rgb[0], rgb[1], rgb[2]


def _stroke(shape: dict[str, Any], long_edge: int) -> int:
    return max(2, round(float(shape.get("width") or DEFAULT_STROKE) * long_edge))


def _arrow(draw: ImageDraw.ImageDraw, shape: dict[str, Any], w: int, h: int) -> None:
    x0, y0 = float(shape["x0"]) * w, float(shape["y0"]) * h
    x1, y1 = float(shape["x1"]) * w, float(shape["y1"]) * h
    stroke = _stroke(shape, max(w, h))
    color = _color(shape)
    angle = math.atan2(y1 - y0, x1 - x0)
    head = max(stroke * 4, 12)
    # Stop the shaft short of the tip so the line's square end does not poke through the head.
    shaft_end = (x1 - math.cos(angle) * head * 0.8, y1 - math.sin(angle) * head * 0.8)
    draw.line([(x0, y0), shaft_end], fill=color, width=stroke)
    left = (x1 - head * math.cos(angle - math.pi / 7), y1 - head * math.sin(angle - math.pi / 7))
    right = (x1 - head * math.cos(angle + math.pi / 7), y1 - head * math.sin(angle + math.pi / 7))
    draw.polygon([(x1, y1), left, right], fill=color)


def _circle(draw: ImageDraw.ImageDraw, shape: dict[str, Any], w: int, h: int) -> None:
    cx, cy, r = float(shape["cx"]) * w, float(shape["cy"]) * h, float(shape["r"]) * w
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=_color(shape), width=_stroke(shape, max(w, h)))


def _text(draw: ImageDraw.ImageDraw, shape: dict[str, Any], w: int, h: int, choice: fonts.FontChoice) -> None:
    text = str(shape.get("text") or "")
    if not text:
        return
    size = max(10, round(float(shape.get("size") or DEFAULT_TEXT_SIZE) * h))
    font = fonts.load(choice, size)
    xy = (float(shape["x"]) * w, float(shape["y"]) * h)
    # A dark outline keeps the label readable on any background.
    draw.text(xy, text, fill=_color(shape), font=font, stroke_width=max(1, size // 12), stroke_fill=(0, 0, 0))


def render(image: Image.Image, shapes: Iterable[dict[str, Any]], font_path: str | None = None) -> Image.Image:
    """A copy of ``image`` (already upright) with the shapes drawn on it."""
    out = image.convert("RGB")
    draw = ImageDraw.Draw(out)
    w, h = out.size
    choice = fonts.choose(font_path)
    for shape in shapes:
        kind = shape.get("type")
        if kind == "arrow":
            _arrow(draw, shape, w, h)
        elif kind == "circle":
            _circle(draw, shape, w, h)
        elif kind == "text":
            _text(draw, shape, w, h, choice)
    return out


def render_jpeg(source: bytes, shapes: Iterable[dict[str, Any]], font_path: str | None = None) -> bytes:
    with Image.open(io.BytesIO(source)) as img:
        img.load()
        # A display-sized photo is served as its metadata-free original, which keeps its orientation tag.
        flat = render(ImageOps.exif_transpose(img), shapes, font_path)
    buf = io.BytesIO()
    flat.save(buf, "JPEG", quality=88)
    return buf.getvalue()
