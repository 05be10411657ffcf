"""A font for labels on plans and annotations: a CJK one if the system has it, else a Latin one.

Debian's ``fonts-noto-cjk`` or ``fonts-wqy-microhei`` give Chinese glyphs; without them Chinese text
cannot be drawn, and callers fall back to Latin labels (``has_cjk`` says which case they are in).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from PIL import ImageFont

CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
)
LATIN_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


@dataclass(frozen=True)
class FontChoice:
    path: str | None
    has_cjk: bool


@functools.cache
def choose(extra: str | None = None) -> FontChoice:
    """``extra``: a font file named in the settings (MEDIA_FONT), tried first."""
    for path in ((extra,) if extra else ()) + CJK_FONTS:
        if os.path.isfile(path):
            return FontChoice(path, True)
    for path in LATIN_FONTS:
        if os.path.isfile(path):
            return FontChoice(path, False)
    return FontChoice(None, False)


def load(choice: FontChoice, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if choice.path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(choice.path, size)


def has_cjk_text(text: str) -> bool:
    return any(ord(ch) > 0x2E7F for ch in text)
