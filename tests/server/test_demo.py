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
