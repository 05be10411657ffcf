"""Small SVG charts for the PDF reports (WeasyPrint draws inline SVG; no chart library on the server)."""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

FONT = "Noto Sans CJK SC"


def _open(width: int, height: int) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" width="{width}" height="{height}">'


def trend_svg(trend: list[dict[str, Any]], width: int = 640, height: int = 180) -> Markup:
    """Found (blue) and closed (green) per week as paired bars."""
    if not trend:
        return Markup("")
    top = max(max(w["found"], w["closed"]) for w in trend) or 1
    slot = width / len(trend)
    bar = max(slot / 2 - 2, 1)
    parts = [_open(width, height + 30)]
    for i, w in enumerate(trend):
        x = i * slot
        for j, (key, colour) in enumerate((("found", "#3b6fd8"), ("closed", "#2e9d55"))):
            h = height * w[key] / top
            parts.append(
                f'<rect x="{x + j * bar:.1f}" y="{height - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
        if len(trend) <= 16 or i % 2 == 0:
            parts.append(f'<text x="{x:.1f}" y="{height + 12}" font-size="8">{escape(w["week"][5:])}</text>')
    parts.append(f'<text x="0" y="{height + 26}" font-size="9" fill="#3b6fd8">■ 发现 found</text>')
    parts.append(f'<text x="90" y="{height + 26}" font-size="9" fill="#2e9d55">■ 关闭 closed</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bars_svg(items: list[tuple[str, int]], width: int = 640, row: int = 16) -> Markup:
    """Horizontal bars, one per (label, count)."""
    if not items:
        return Markup("")
    top = max(n for _, n in items) or 1
    label_w, height = 150, row * len(items)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" font-family="Noto Sans CJK SC" width="{width}" height="{height}">'
    ]
    for i, (label, n) in enumerate(items):
        y = i * row
        w = (width - label_w - 50) * n / top
        parts.append(f'<text x="0" y="{y + row - 4}" font-size="9">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 4}" fill="#3b6fd8"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + row - 4}" font-size="9">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
