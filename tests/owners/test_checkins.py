"""到访 check-in at a homeowner-facing round: the owner on their phone or staff at the door (also offline,
as the ``checkin.record`` mutation, exactly once), and the round's 到访率 in the statistics and on the
attendance screens. Crews, other owners and other projects' staff are refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from domain.models import InspectionCheckin, Invitation
from server.extensions import db
from tests import factories as f

from .conftest import push_twice


@pytest.fixture
def open_day(world: Any) -> Any:
    insp = f.InspectionFactory(project_id=world.project.id, kind="open_day", name="工地开放日")
    db.session.commit()
    return insp


def _checkins(insp: Any) -> list[tuple[int, str]]:
    rows = db.session.execute(
        select(InspectionCheckin.unit_id, InspectionCheckin.method).where(InspectionCheckin.inspection_id == insp.id)
    )
    return sorted((u, m) for u, m in rows)


def _checkin(client: Any, headers: dict[str, str], insp: Any, unit_id: int) -> Any:
    return client.post(f"/api/inspections/{insp.id}/checkins", json={"unit_id": unit_id}, headers=headers)


def test_owner_checks_in_on_their_phone_once(client: Any, auth: Any, world: Any, open_day: Any) -> None:
    headers = auth.headers(world.owner)
    mine = client.get("/api/me/checkins", headers=headers).json["checkins"]
    row = next(r for r in mine if r["inspection_id"] == str(open_day.id))
    assert row["unit_id"] == world.unit.id and row["checked_in_at"] is None
    first = _checkin(client, headers, open_day, world.unit.id)
    assert first.status_code == 201 and first.json["method"] == "qr" and first.json["new"] is True
    again = _checkin(client, headers, open_day, world.unit.id)
    assert again.status_code == 200 and again.json["new"] is False
    assert again.json["checked_in_at"] == first.json["checked_in_at"]
    assert _checkins(open_day) == [(world.unit.id, "qr")]
    mine = client.get("/api/me/checkins", headers=headers).json["checkins"]
    assert next(r for r in mine if r["inspection_id"] == str(open_day.id))["checked_in_at"] is not None


def test_owner_cannot_check_in_a_closed_round(client: Any, auth: Any, world: Any, open_day: Any) -> None:
    open_day.status = "closed"
    db.session.commit()
    res = _checkin(client, auth.headers(world.owner), open_day, world.unit.id)
    assert res.status_code == 409 and res.json["code"] == "checkin_round_closed"
    assert _checkins(open_day) == []


@pytest.mark.parametrize("who", ["owner", "crew", "crew2", "outsider"])
def test_refused_for_a_unit_that_is_not_theirs(client: Any, auth: Any, world: Any, open_day: Any, who: str) -> None:
    res = _checkin(client, auth.headers(getattr(world, who)), open_day, world.unit2.id)
    assert res.status_code == 404
    assert _checkins(open_day) == []
    att = client.get(f"/api/inspections/{open_day.id}/attendance", headers=auth.headers(getattr(world, who)))
    assert att.status_code == 404
    proj = client.get(f"/api/projects/{world.project.id}/attendance", headers=auth.headers(getattr(world, who)))
    assert proj.status_code == 404


def test_only_rounds_with_homeowners(client: Any, auth: Any, world: Any) -> None:
    internal = f.InspectionFactory(project_id=world.project.id, kind="internal")
    db.session.commit()
    res = _checkin(client, auth.headers(world.manager), internal, world.unit.id)
    assert res.status_code == 422 and res.json["code"] == "checkin_round"


def test_staff_check_in_offline_exactly_once(client: Any, auth: Any, world: Any, device: Any, open_day: Any) -> None:
    tablet, other = device(world.inspector), device(world.inspector2)
    tablet.mutate("checkin.record", inspection_id=str(open_day.id), unit_id=world.unit.id)
    first, again = push_twice(client, tablet)
    assert first[0]["status"] == "applied" and again[0]["replayed"] is True
    other.mutate("checkin.record", inspection_id=str(open_day.id), unit_id=world.unit.id)  # a second tablet
    assert other.push()[0]["status"] == "duplicate"
    assert _checkins(open_day) == [(world.unit.id, "staff")]
    count = db.session.scalar(select(func.count()).select_from(InspectionCheckin))
    assert count == 1


@pytest.mark.parametrize("who", ["owner", "crew", "outsider"])
def test_checkin_mutation_refused(client: Any, world: Any, device: Any, open_day: Any, who: str) -> None:
    tablet = device(getattr(world, who))
    tablet.mutate("checkin.record", inspection_id=str(open_day.id), unit_id=world.unit.id)
    [res] = tablet.push()
    assert res["status"] == "rejected" and res["code"] in ("forbidden", "not_found")
    assert _checkins(open_day) == []


def test_attendance_rate_from_letters_and_check_ins(client: Any, auth: Any, world: Any, open_day: Any) -> None:
    headers = auth.headers(world.manager)
    issued = client.post(
        f"/api/projects/{world.project.id}/invitation-letters",
        json={"inspection_id": str(open_day.id), "building_id": world.unit.building_id},
        headers=headers,
    )
    assert issued.status_code == 201
    third = f.UnitFactory(building=world.unit.building)
    db.session.commit()
    assert _checkin(client, auth.headers(world.owner), open_day, world.unit.id).status_code == 201
    att = client.get(f"/api/inspections/{open_day.id}/attendance", headers=headers)
    assert att.status_code == 200
    body = att.json
    assert (body["round"]["invited"], body["round"]["attended"], body["round"]["rate"]) == (2, 1, 0.5)
    units = {u["unit_id"]: u for u in body["units"]}
    assert units[world.unit.id]["checked_in_at"] and units[world.unit.id]["method"] == "qr"
    assert units[world.unit2.id]["letter"] is True and units[world.unit2.id]["checked_in_at"] is None
    assert units[third.id]["invited"] is False  # no letter for this round
    # Staff mark the third unit's owner as arrived without a letter: invited by coming.
    assert _checkin(client, auth.headers(world.inspector), open_day, third.id).status_code == 201
    rounds = client.get(f"/api/projects/{world.project.id}/attendance", headers=headers).json["rounds"]
    row = next(r for r in rounds if r["id"] == str(open_day.id))
    assert (row["invited"], row["attended"], row["rate"]) == (3, 2, 0.6667)
    stats = client.get(f"/api/projects/{world.project.id}/stats?inspection_id={open_day.id}", headers=headers)
    n = stats.json["numbers"]
    assert (n["attendance_invited"], n["attendance_attended"], n["attendance_rate"]) == (3, 2, 0.6667)
    assert (
        db.session.scalar(select(func.count()).select_from(Invitation).where(Invitation.inspection_id == open_day.id))
        == 2
    )


def test_a_signed_walkthrough_counts_as_attended(client: Any, world: Any, device: Any, open_day: Any) -> None:
    from tests.walkthroughs.test_sign import sign_args

    tablet = device(world.inspector)
    tablet.mutate("walkthrough.sign", **sign_args(world, [], inspection_id=str(open_day.id)))
    assert tablet.push()[0]["status"] == "applied"
    assert _checkins(open_day) == [(world.unit.id, "staff")]
