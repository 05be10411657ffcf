"""Unit import from CSV/XLSX: all or nothing, per-row errors, idempotent re-import, 10,000 rows."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from domain.models import Building, Unit
from server.extensions import db
from tests.factories import PlanTypeFactory, ProjectFactory, UserFactory

HEADER = ["楼栋", "单元", "楼层", "房号", "户型", "面积"]


@pytest.fixture
def setup(app, auth):
    project = ProjectFactory()
    PlanTypeFactory(project_id=project.id, code="A")
    admin = UserFactory(role="admin")
    db.session.commit()
    return project.id, auth.headers(admin)


def _csv(rows: list[list[object]], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    out.write(",".join(header) + "\n")
    for r in rows:
        out.write(",".join(str(c) for c in r) + "\n")
    return out.getvalue().encode(encoding)


def _xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client, project_id, headers, data: bytes, name: str = "units.csv"):
    return client.post(
        f"/api/projects/{project_id}/units/import",
        headers=headers,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _units() -> int:
    return db.session.scalar(select(func.count()).select_from(Unit)) or 0


ROWS = [["1", "1", 3, "0301", "A", 89], ["1", "1", 3, "0302", "A", 89], ["2栋", "2单元", "5层", "0501", "", ""]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "gbk"])
def test_import_creates_units_and_buildings(client, setup, fmt):
    project_id, headers = setup
    makers = {"csv": lambda: _csv(ROWS), "xlsx": lambda: _xlsx(ROWS), "gbk": lambda: _csv(ROWS, encoding="gb18030")}
    data = makers[fmt]()
    r = _upload(client, project_id, headers, data, f"units.{fmt}")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["created"] == 3
    assert sorted(r.get_json()["buildings_created"]) == ["1", "2"]
    assert _units() == 3
    b2 = db.session.scalar(select(Building).where(Building.code == "2"))
    assert b2 is not None and b2.floors == 5


def test_reimporting_the_same_file_changes_nothing(client, setup):
    project_id, headers = setup
    data = _xlsx(ROWS)
    assert _upload(client, project_id, headers, data, "u.xlsx").status_code == 200
    before = [(u.id, u.floor, u.plan_type_id, u.area_m2) for u in db.session.scalars(select(Unit).order_by(Unit.id))]
    r = _upload(client, project_id, headers, data, "u.xlsx")
    assert r.get_json() == {"created": 0, "updated": 0, "unchanged": 3, "buildings_created": []}
    after = [(u.id, u.floor, u.plan_type_id, u.area_m2) for u in db.session.scalars(select(Unit).order_by(Unit.id))]
    assert before == after


def test_a_changed_row_is_updated(client, setup):
    project_id, headers = setup
    _upload(client, project_id, headers, _csv(ROWS))
    changed = [r[:] for r in ROWS]
    changed[0][5] = 92
    r = _upload(client, project_id, headers, _csv(changed))
    assert r.get_json()["updated"] == 1


@pytest.mark.parametrize(
    ("rows", "message_part", "bad_row"),
    [
        ([["1", "1", "三", "0301", "A", 89]], "floor", 2),
        ([["1", "1", 3, "", "A", 89]], "number", 2),
        ([["1", "1", 3, "0301", "Q", 89]], "户型", 2),
        ([["1", "1", 3, "0301", "A", -5]], "面积", 2),
        ([["1", "1", 3, "0301", "A", 89], ["1", "1", 4, "0301", "A", 89]], "duplicate", 3),
        ([["1", "1", 999, "0301", "A", 89]], "range", 2),
    ],
)
def test_a_bad_row_refuses_the_whole_file(client, setup, rows, message_part, bad_row):
    project_id, headers = setup
    good = [["1", "1", 2, "0201", "A", 89]]
    r = _upload(client, project_id, headers, _csv(good + rows))
    assert r.status_code == 422
    body = r.get_json()
    assert "nothing was imported" in body["message"]
    errors = body["errors"]["rows"]
    assert errors[0]["row"] == bad_row + 1
    assert message_part in " ".join(errors[0]["errors"])
    assert _units() == 0  # the good row was not imported either


def test_missing_columns(client, setup):
    project_id, headers = setup
    r = _upload(client, project_id, headers, _csv([["1", "0301"]], header=["楼栋", "房号"]))
    assert r.status_code == 422
    assert "楼层/floor" in r.get_json()["message"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n\x00\x00", "units.csv"),
        (b"PK\x03\x04garbage-that-is-not-a-zip", "units.xlsx"),
        (b"", "units.csv"),
        (b"\xff\xfe\x00\x00\x81\x82", "units.csv"),
        (b"building,floor,number\n", "units.csv"),
    ],
)
def test_malformed_files_get_a_clear_error(client, setup, data, name):
    project_id, headers = setup
    r = _upload(client, project_id, headers, data, name)
    assert r.status_code == 422
    assert r.get_json()["message"]
    assert _units() == 0


def test_missing_file_field(client, setup):
    project_id, headers = setup
    r = client.post(
        f"/api/projects/{project_id}/units/import", headers=headers, data={}, content_type="multipart/form-data"
    )
    assert r.status_code == 422


def test_ten_thousand_rows(client, setup):
    project_id, headers = setup
    rows = [
        [str(b), str(e), f, f"{f:02d}{n:02d}", "A", 89]
        for b in range(1, 11)
        for e in (1, 2)
        for f in range(1, 26)
        for n in range(1, 21)
    ]
    assert len(rows) == 10_000
    r = _upload(client, project_id, headers, _csv(rows))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["created"] == 10_000
    assert _units() == 10_000
    again = _upload(client, project_id, headers, _csv(rows))
    assert again.get_json()["unchanged"] == 10_000


def test_too_many_rows(client, setup, app):
    app.config["IMPORT_MAX_ROWS"] = 5
    project_id, headers = setup
    rows = [["1", "1", 1, f"01{n:02d}", "A", 89] for n in range(6)]
    r = _upload(client, project_id, headers, _csv(rows))
    assert r.status_code == 422
    assert "5" in r.get_json()["message"]
