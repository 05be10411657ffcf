"""The demo's floor-plan images: drawn from the rooms, stored through the photo pipeline, visible in scope."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient
from PIL import Image

from domain.models import Membership
from media import fonts
from server.demo.plans import attach_plan_images, render_plan
from server.extensions import db
from server.photos import media
from tests import factories as f


def test_rooms_land_where_their_boxes_say() -> None:
    plan = f.m.PlanType(code="X", name="X", rooms=[])
    plan.rooms = [
        f.m.Room(code="living", name="客厅", x0=0, y0=0, x1=0.5, y1=1),
        f.m.Room(code="bath", name="卫生间", x0=0.5, y0=0, x1=1, y1=1),
    ]
    with Image.open(io.BytesIO(render_plan(plan.rooms))) as img:
        rgb = img.convert("RGB")
    assert rgb.size == (1200, 900)
    assert rgb.getpixel((150, 100)) == (250, 240, 220)  # living room fill, left half
    assert rgb.getpixel((1050, 100)) == (206, 228, 242)  # bathroom fill, right half
    assert sum(rgb.getpixel((600, 450))) < 300  # the wall between them, at x = 0.5


def test_without_a_cjk_font_labels_fall_back_to_codes(monkeypatch: Any) -> None:
    rooms = [f.m.Room(code="living", name="客厅", x0=0, y0=0, x1=1, y1=1)]
    monkeypatch.setattr(fonts, "choose", lambda extra=None: fonts.FontChoice(fonts.LATIN_FONTS[0], has_cjk=False))
    with Image.open(io.BytesIO(render_plan(rooms))) as img:
        centre = img.convert("RGB").crop((540, 420, 660, 480))
    # "living" is drawn in the middle of the room (dark text on the room's fill), not boxes of missing glyphs.
    assert min(sum(px) for px in centre.get_flattened_data()) < 300


def test_attach_is_idempotent_and_scoped(app: Any, client: FlaskClient, auth: Any) -> None:
    project = f.ProjectFactory()
    plan = f.PlanTypeFactory(project_id=project.id)
    inspector = f.UserFactory(role="inspector")
    outsider = f.UserFactory(role="inspector")
    db.session.add(Membership(user_id=inspector.id, project_id=project.id))
    db.session.commit()
    m = media()
    assert attach_plan_images(db.session, m.storage, m.settings, project.id) == 1
    db.session.commit()
    assert plan.plan_sha256 and (plan.plan_width, plan.plan_height) == (1200, 900)
    assert attach_plan_images(db.session, m.storage, m.settings, project.id) == 0
    url = f"/api/photos/{plan.plan_sha256}"
    with client.get(url, query_string={"size": "display"}, headers=auth.headers(inspector)) as r:
        assert r.status_code == 200 and r.mimetype == "image/png"
    with client.get(url, headers=auth.headers(outsider)) as r:
        assert r.status_code == 404
