"""Floor-plan images (户型图) for the demo's plan types, drawn from their rooms and stored as photos.

The whole image is the plan's 0..1 coordinate square stretched to the picture, so a room's box and a
defect's pin land on the same pixels in the PWA. Room names are drawn in Chinese when a CJK font is
installed (fonts-noto-cjk or fonts-wqy-microhei), otherwise with the rooms' Latin codes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.models import Photo, PlanType, Room
from media import fonts
from media.ingest import ingest_bytes
from media.settings import MediaSettings
from media.storage import Storage

WIDTH, HEIGHT = 1200, 900
OUTER_WALL, INNER_WALL = 14, 6
WALL = (60, 60, 64)
FILLS = {
    "living": (250, 240, 220),
    "dining": (250, 232, 205),
    "kitchen": (214, 236, 236),
    "bath": (206, 228, 242),
    "balcony": (222, 240, 214),
    "study": (232, 226, 244),
}
BEDROOM = (236, 236, 246)


def render_plan(rooms: Sequence[Room], font_path: str | None = None, size: tuple[int, int] = (WIDTH, HEIGHT)) -> bytes:
    """A PNG of the rooms' boxes with walls and labels."""
    w, h = size
    img = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(img)
    choice = fonts.choose(font_path)
    font = fonts.load(choice, max(14, h // 30))
    boxes = [(r, (r.x0 * w, r.y0 * h, r.x1 * w, r.y1 * h)) for r in rooms]
    for room, box in boxes:
        draw.rectangle(box, fill=FILLS.get(room.code, BEDROOM))
    for _room, box in boxes:
        draw.rectangle(box, outline=WALL, width=INNER_WALL)
    draw.rectangle((0, 0, w - 1, h - 1), outline=WALL, width=OUTER_WALL)
    for room, (x0, y0, x1, y1) in boxes:
        label = room.name if choice.has_cjk or not fonts.has_cjk_text(room.name) else room.code
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        draw.text((cx - (right - left) / 2, cy - (bottom - top) / 2 - top), label, fill=(40, 40, 48), font=font)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def attach_plan_images(
    session: Session,
    storage: Storage,
    settings: MediaSettings,
    project_id: int | None = None,
    font_path: str | None = None,
) -> int:
    """Draw and store a plan image for every plan type (of one project) that lacks one; returns how many."""
    stmt = select(PlanType).options(selectinload(PlanType.rooms)).order_by(PlanType.id)
    if project_id is not None:
        stmt = stmt.where(PlanType.project_id == project_id)
    done = 0
    for plan in session.scalars(stmt):
        if plan.plan_sha256 and session.get(Photo, plan.plan_sha256) is not None:
            continue
        photo, _created = ingest_bytes(session, storage, settings, render_plan(plan.rooms, font_path))
        plan.plan_sha256 = photo.sha256
        plan.plan_width = photo.width
        plan.plan_height = photo.height
        done += 1
    session.flush()
    return done
