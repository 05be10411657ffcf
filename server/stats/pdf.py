"""PDF rendering (WeasyPrint) with the system's Noto CJK fonts (Debian ``fonts-noto-cjk``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", sans-serif'
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(default=True)
)


def render_html(template: str, **context: Any) -> str:
    return TEMPLATES.get_template(template).render(font_stack=FONT_STACK, **context)


def render_pdf(template: str, **context: Any) -> bytes:
    from weasyprint import HTML  # imported on use: it loads Pango, which a plain API worker never needs

    return HTML(string=render_html(template, **context)).write_pdf()
