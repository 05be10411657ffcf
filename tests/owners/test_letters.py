"""Invitation letters: a manager issues codes for one unit or a whole building for a homeowner-facing
round and downloads the letters as a PDF (one page per unit, Chinese, the join QR's link and the code);
the code on a letter signs the owner up. Nobody else may issue or print them."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from domain.models import HomeownerUnit, Invitation, Membership
from server.extensions import db
from tests import factories as f


@pytest.fixture
def round_(world: Any) -> Any:
    insp = f.InspectionFactory(
        project_id=world.project.id,
        kind="open_day",
        name="工地开放日（第一批）",
        planned_start=date(2026, 12, 12),
        planned_end=date(2026, 12, 13),
    )
    db.session.commit()
    return insp


def _issue(client: Any, headers: dict[str, str], world: Any, round_: Any, **body: Any) -> Any:
    return client.post(
        f"/api/projects/{world.project.id}/invitation-letters",
        json={"inspection_id": str(round_.id), **body},
        headers=headers,
    )


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def test_manager_prints_letters_for_a_building(client: Any, auth: Any, world: Any, round_: Any) -> None:
    headers = auth.headers(world.manager)
    res = _issue(client, headers, world, round_, building_id=world.unit.building_id, valid_days=30)
    assert res.status_code == 201, res.json
    body = res.json
    assert body["count"] == body["created"] == 2
    codes = {i["unit_id"]: i["code"] for i in body["invitations"]}
    assert set(codes) == {world.unit.id, world.unit2.id}
    rows = db.session.scalars(select(Invitation).where(Invitation.inspection_id == round_.id)).all()
    assert {r.code for r in rows} == set(codes.values())

    pdf = client.get(body["pdf_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    pages, text = _text(pdf.data)
    assert pages == 2  # one letter per unit
    assert "业主邀请函" in text and "工地开放日（第一批）" in text and "2026年12月12日" in text
    for unit in (world.unit, world.unit2):
        assert unit.label in text and codes[unit.id] in text
    assert f"#/join?code={codes[world.unit.id]}" in text.replace("\n", "")

    # Issuing again prints the same codes: a reprint does not invalidate letters already mailed.
    again = _issue(client, headers, world, round_, building_id=world.unit.building_id)
    assert again.json["created"] == 0
    assert {i["code"] for i in again.json["invitations"]} == set(codes.values())


def test_one_unit_and_the_code_signs_the_owner_up(client: Any, auth: Any, world: Any, round_: Any) -> None:
    headers = auth.headers(world.manager)
    res = _issue(client, headers, world, round_, unit_ids=[world.unit2.id])
    assert res.status_code == 201 and res.json["count"] == 1
    code = res.json["invitations"][0]["code"]
    pages, text = _text(client.get(res.json["pdf_url"], headers=headers).data)
    assert pages == 1 and world.unit2.label in text
    joined = client.post(
        "/api/auth/join",
        json={"code": code, "username": "newowner", "password": "a-long-password", "display_name": "王女士"},
    )
    assert joined.status_code == 200, joined.json
    user_id = joined.json["user"]["id"]
    assert db.session.scalar(select(HomeownerUnit.unit_id).where(HomeownerUnit.user_id == user_id)) == world.unit2.id
    # A used code is not printed again: the unit needs a new letter.
    gone = client.get(res.json["pdf_url"], headers=headers)
    assert gone.status_code == 404 and gone.json["code"] == "letters_none"


def test_only_a_homeowner_round_of_the_project(client: Any, auth: Any, world: Any, round_: Any) -> None:
    headers = auth.headers(world.manager)
    internal = f.InspectionFactory(project_id=world.project.id, kind="internal")
    elsewhere = f.InspectionFactory(kind="open_day")
    db.session.commit()
    for insp in (internal, elsewhere):
        res = _issue(client, headers, world, insp, unit_ids=[world.unit.id])
        assert res.status_code == 422 and res.json["code"] == "letter_round"
    other_unit = f.UnitFactory()
    db.session.commit()
    res = _issue(client, headers, world, round_, unit_ids=[world.unit.id, other_unit.id])
    assert res.status_code == 422 and res.json["code"] == "letter_units"
    assert db.session.scalar(select(Invitation.id).where(Invitation.inspection_id == round_.id)) is None


@pytest.mark.parametrize(
    ("who", "status"),
    [("inspector", 403), ("crew", 403), ("crew2", 404), ("owner", 403), ("owner2", 403), ("outsider", 404)],
)
def test_refused_to_anyone_but_the_projects_managers(
    client: Any, auth: Any, world: Any, round_: Any, device: Any, who: str, status: int
) -> None:
    if who == "crew":  # a crew that sees the project through a dispatched defect still may not
        from tests.sync.test_push import create_args

        staff = device(world.manager)
        args = create_args(world)
        staff.mutate("defect.create", **args)
        staff.mutate(
            "defect.status", id=args["id"], action="assign", **{"from": "open"}, contractor_id=world.contractor.id
        )
        staff.push()
    if who == "outsider":  # a manager of another project
        world.outsider.role = "manager"
        db.session.commit()
    headers = auth.headers(getattr(world, who))
    res = _issue(client, headers, world, round_, building_id=world.unit.building_id)
    assert res.status_code == status, res.json
    pdf = client.get(
        f"/api/projects/{world.project.id}/invitation-letters.pdf?inspection_id={round_.id}", headers=headers
    )
    assert pdf.status_code == status
    assert db.session.scalar(select(Invitation.id).where(Invitation.inspection_id == round_.id)) is None


def test_a_manager_of_the_project_only(client: Any, auth: Any, world: Any, round_: Any) -> None:
    """Membership decides: the same manager without the project is told it does not exist."""
    db.session.query(Membership).filter(Membership.user_id == world.manager.id).delete()
    db.session.commit()
    res = _issue(client, auth.headers(world.manager), world, round_, unit_ids=[world.unit.id])
    assert res.status_code == 404
