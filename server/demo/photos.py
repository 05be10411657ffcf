"""Photos for the demo's defects, drawn so that lists, pins and the crew's before/after views show a
picture of the kind of problem rather than a grey box: plaster with a crack or a chalk-ringed hollow, a
water stain on floor tiles, a door leaf with a gap, a socket plate, a rusty railing. Each scene also has a
repaired version, used as the after-photo of fixed and closed defects.

A small pool (a few variants per scene) is drawn once and shared by all defects of a kind: the store keeps
each picture once (photos are named by their hash).
"""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from PIL import Image, ImageDraw, ImageFilter
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import Defect, DefectPhoto, DefectType
from media.ingest import ingest_bytes
from media.settings import MediaSettings
from media.storage import Storage
from sync.feed import ChangeSet

W, H = 1024, 768
VARIANTS = 3
Draw = Callable[[ImageDraw.ImageDraw, random.Random, bool], None]


def _base(colour: tuple[int, int, int], rng: random.Random, grain: int = 10) -> Image.Image:
    """A surface of ``colour`` with a soft grain, lit a little from the top left."""
    noise = Image.effect_noise((W // 4, H // 4), grain).resize((W, H)).filter(ImageFilter.GaussianBlur(2))
    img = Image.new("RGB", (W, H), colour)
    # Brighter towards the top, as a room lit by its window and ceiling light.
    shade = Image.linear_gradient("L").resize((W, H)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    img = Image.composite(img, Image.new("RGB", (W, H), tuple(max(0, c - 28) for c in colour)), shade)
    return Image.blend(img, Image.merge("RGB", (noise, noise, noise)), 0.08)


def _crack(d: ImageDraw.ImageDraw, rng: random.Random, broken: bool) -> None:
    if not broken:
        return
    x, y = rng.randint(150, 400), rng.randint(80, 200)
    for _ in range(14):
        nx, ny = x + rng.randint(10, 45), y + rng.randint(20, 55)
        d.line([(x, y), (nx, ny)], fill=(88, 82, 76), width=rng.choice((2, 3, 4)))
        if rng.random() < 0.3:
            d.line([(nx, ny), (nx + rng.randint(-40, 40), ny + rng.randint(10, 40))], fill=(105, 98, 90), width=2)
        x, y = nx, ny


def _hollow(d: ImageDraw.ImageDraw, rng: random.Random, broken: bool) -> None:
    if not broken:
        return
    cx, cy, r = rng.randint(300, 700), rng.randint(250, 500), rng.randint(90, 150)
    d.ellipse((cx - r, cy - r * 0.8, cx + r, cy + r * 0.8), outline=(200, 40, 40), width=7)  # chalk ring
    for k in range(-2, 3):  # the inspector's tap marks
        d.line([(cx + k * 30 - 12, cy - 12), (cx + k * 30 + 12, cy + 12)], fill=(200, 40, 40), width=4)


def _tiles(d: ImageDraw.ImageDraw, rng: random.Random, broken: bool) -> None:
    for x in range(0, W, 200):
        d.line([(x, 0), (x, H)], fill=(170, 168, 160), width=4)
    for y in range(0, H, 200):
        d.line([(0, y), (W, y)], fill=(170, 168, 160), width=4)
    if broken:  # a water stain spreading from a joint
        cx, cy = rng.randint(300, 700), rng.randint(300, 600)
        for r, c in ((220, (186, 176, 150)), (160, (170, 158, 128)), (90, (150, 138, 108))):
            d.ellipse((cx - r, cy - r * 0.6, cx + r, cy + r * 0.6), fill=c)


def _door(d: ImageDraw.ImageDraw, rng: random.Random, broken: bool) -> None:
    d.rectangle((250, 40, 780, H), fill=(140, 96, 60))  # frame
    gap = rng.randint(14, 26) if broken else 3
    d.rectangle((270, 60, 760 - gap, H), fill=(176, 128, 84))  # leaf
    d.ellipse((690 - gap, 400, 720 - gap, 430), fill=(210, 205, 190))  # handle
    if broken:
        d.rectangle((760 - gap, 60, 760, H), fill=(30, 24, 20))  # light through the gap


def _socket(d: ImageDraw.ImageDraw, rng: random.Random, broken: bool) -> None:
    d.rounded_rectangle((380, 250, 640, 510), 16, fill=(246, 246, 242), outline=(200, 200, 196), width=3)
    for x in (455, 565):
        d.rectangle((x - 6, 330, x + 6, 370), fill=(60, 60, 60))
    d.rectangle((504, 410, 516, 450), fill=(60, 60, 60))
    if broken:  # scorched and loose
        d.ellipse((420, 290, 600, 470), outline=(70, 60, 50), width=5)
        d.polygon([(640, 250), (662, 262), (650, 520), (640, 510)], fill=(90, 86, 80))


def _railing(d: ImageDraw.ImageDraw, rng: random.Random, broken: bool) -> None:
    d.rectangle((0, 150, W, 175), fill=(70, 72, 76))
    for x in range(40, W, 90):
        d.rectangle((x, 175, x + 14, H), fill=(80, 82, 86))
        if broken and rng.random() < 0.5:
            y = rng.randint(250, 600)
            d.ellipse((x - 10, y, x + 24, y + rng.randint(30, 80)), fill=(150, 82, 40))  # rust


SCENES: dict[str, tuple[tuple[int, int, int], Draw]] = {
    "crack": ((226, 222, 214), _crack),
    "hollow": ((230, 228, 222), _hollow),
    "tiles": ((214, 210, 198), _tiles),
    "door": ((236, 232, 224), _door),
    "socket": ((232, 230, 226), _socket),
    "railing": ((200, 208, 214), _railing),
}


def scene_of(code: str) -> str:
    """The scene drawn for a library type code (``surface.crack`` → crack)."""
    area, _, name = code.partition(".")
    if area in ("water", "plumb", "heat"):
        return "tiles"
    if area in ("door", "fit"):
        return "door"
    if area == "elec":
        return "socket"
    if area == "railing":
        return "railing"
    if "crack" in name:
        return "crack"
    return "hollow"


def render(scene: str, variant: int, broken: bool = True) -> bytes:
    """One JPEG of ``scene`` (variant picks the details), with the defect or repaired."""
    colour, draw = SCENES[scene]
    rng = random.Random(f"{scene}:{variant}")
    img = _base(colour, rng)
    draw(ImageDraw.Draw(img), rng, broken)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=78)
    return buf.getvalue()


def attach_demo_photos(session: Session, storage: Storage, settings: MediaSettings, project_id: int) -> int:
    """A before-photo for every demo defect, and an after-photo for the repaired ones; once (a project whose
    defects already have photos is left alone). Returns the number of photos attached."""
    if session.scalar(
        select(DefectPhoto.id).join(Defect, Defect.id == DefectPhoto.defect_id).where(Defect.project_id == project_id)
    ):
        return 0
    pool: dict[tuple[str, int, bool], str] = {}

    def photo(scene: str, variant: int, broken: bool) -> str:
        key = (scene, variant, broken)
        if key not in pool:
            stored, _ = ingest_bytes(session, storage, settings, render(scene, variant, broken))
            pool[key] = stored.sha256
        return pool[key]

    codes = dict(session.execute(select(DefectType.id, DefectType.code)).all())
    defects = session.scalars(
        select(Defect).where(Defect.project_id == project_id).order_by(Defect.created_at, Defect.id)
    ).all()
    changes = ChangeSet()
    attached = 0
    for i, d in enumerate(defects):
        scene, variant = scene_of(codes.get(d.type_id, "")), i % VARIANTS
        shots = [("before", photo(scene, variant, True), d.created_at, d.reporter_id)]
        if d.status in ("fixed", "closed", "visited"):
            shots.append(("after", photo(scene, variant, False), d.closed_at or d.created_at, None))
        for kind, sha, at, by in shots:
            session.add(
                DefectPhoto(
                    defect_id=d.id,
                    sha256=sha,
                    kind=kind,
                    added_by_id=by,
                    added_at=at,
                    clock=f"{int(at.timestamp() * 1000):013d}:00000:demo-{uuid.UUID(int=0)}",
                )
            )
            attached += 1
        changes.defect(d)
    session.flush()  # the defects' photo lists follow (domain.models.photo_list)
    changes.publish(session, datetime.now(UTC))
    return attached
