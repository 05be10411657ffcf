"""The demo project: loads through the CLI, twice without duplicating, with content for every role."""

from __future__ import annotations

from sqlalchemy import func, select

from domain.models import Defect, DefectType, Unit
from server.demo.data import PASSWORD
from server.extensions import db


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_demo_load_is_idempotent_and_realistic(runner, client):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "owner" in first.output and PASSWORD in first.output
    units, defects = _count(Unit), _count(Defect)
    assert units == 400
    assert 1400 <= defects <= 1700
    assert _count(DefectType) >= 40
    statuses = set(db.session.scalars(select(Defect.status).distinct()))
    assert {"open", "assigned", "fixed", "closed", "visited"} <= statuses

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert (_count(Unit), _count(Defect)) == (units, defects)

    def token(username: str) -> dict[str, str]:
        r = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.get_json()
        return {"Authorization": f"Bearer {r.get_json()['token']}"}

    owner = client.get("/api/defects?per_page=1000", headers=token("owner")).get_json()
    owner_units = {d["unit_id"] for d in owner}
    assert len(owner) >= 3 and len(owner_units) == 1
    crew = client.get("/api/defects?per_page=1000", headers=token("crew1")).get_json()
    assert crew and len({d["contractor_id"] for d in crew}) == 1
    inspector = client.get("/api/defects?per_page=1", headers=token("inspector"))
    assert int(inspector.headers["X-Total-Count"]) == defects


def test_demo_defects_have_photos_of_their_kind(runner, client):
    from domain.models import DefectPhoto, Photo
    from server.demo.photos import scene_of

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    photos = _count(DefectPhoto)
    assert photos >= _count(Defect)  # every defect has its before-photo; repaired ones an after-photo too
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert _count(DefectPhoto) == photos  # once
    repaired = db.session.scalar(select(Defect).where(Defect.status == "closed").limit(1))
    assert repaired is not None
    kinds = sorted(p.kind for p in db.session.scalars(select(DefectPhoto).where(DefectPhoto.defect_id == repaired.id)))
    assert kinds == ["after", "before"]
    before, after = (
        db.session.scalar(select(DefectPhoto.sha256).where(DefectPhoto.defect_id == repaired.id, DefectPhoto.kind == k))
        for k in ("before", "after")
    )
    assert before != after and db.session.get(Photo, before) is not None
    assert scene_of("surface.crack") == "crack" and scene_of("water.leak") == "tiles"

    r = client.post("/api/auth/login", json={"username": "inspector", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {r.get_json()['token']}"}
    shown = client.get(f"/api/defects/{repaired.id}", headers=headers).get_json()
    assert {p["kind"] for p in shown["photos"]} == {"before", "after"}
    with client.get(f"/api/photos/{before}?size=thumb", headers=headers) as thumb:
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    # The pull sends the photos with the defect: a fresh device's first page carries them.
    page = client.get(f"/api/sync/pull?project_id={repaired.project_id}&limit=5000", headers=headers).get_json()
    pulled = next(c for c in page["changes"] if c["kind"] == "defect" and c["id"] == str(repaired.id))
    assert {p["kind"] for p in pulled["data"]["photos"]} == {"before", "after"}
