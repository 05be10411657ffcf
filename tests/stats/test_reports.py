"""Reports: the 整改通知单 (XLSX with thumbnails, PDF), the unit report, the batch summary whose numbers must
be the stats endpoint's, and the defect list export — opened with openpyxl and read back with pypdf."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from domain.models import DefectPhoto
from media.storage import photo_key
from server.extensions import db
from server.photos import media
from tests.stats.dataset import NOW, Data, at, build


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "STATS_NOW": NOW}


@pytest.fixture
def data(app: Any) -> Data:
    data = build()
    jpeg = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 40, 40)).save(jpeg, "JPEG")
    sha = "ab" * 32
    media().storage.put_bytes(photo_key(sha, "thumb"), jpeg.getvalue(), "image/jpeg")
    db.session.add(DefectPhoto(defect_id=data.defects["d5"].id, sha256=sha, kind="before", added_at=at(17)))
    data.defects["d5"].description = '=HYPERLINK("http://evil")'
    db.session.commit()
    return data


def h(auth: Any, data: Data, who: str) -> dict[str, str]:
    return auth.headers(data.users[who])


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def notice(client: Any, auth: Any, data: Data, who: str = "manager", query: str = "") -> Any:
    return client.get(f"/api/projects/{data.ids['project']}/notices{query}", headers=h(auth, data, who))


def test_notice_xlsx_has_the_contractors_open_defects_with_thumbnails(client, auth, data):
    res = notice(client, auth, data, query=f"?contractor_id={data.ids['c1']}")
    assert res.status_code == 200, res.data[:300]
    ws = load_workbook(io.BytesIO(res.data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "整改通知单 · 甲土建"
    header = values[3]
    assert header == ["编号", "楼栋/单元/房间", "类型", "严重程度", "问题描述", "照片", "整改期限", "签收"]
    body = values[4:]
    # C1's d5 is open; d1, d2 are closed and d7 is fixed (awaiting re-check): not on the notice
    assert len(body) == 1
    assert body[0][0] == str(data.defects["d5"].id)[:8].upper()
    assert body[0][1] == "2栋 1单元0101" and body[0][2] == "空鼓" and body[0][6] == "2026-12-10"
    assert body[0][4] == '\'=HYPERLINK("http://evil")'  # user text is never a formula
    assert len(ws._images) == 1


def test_notice_by_building_and_as_pdf(client, auth, data):
    res = notice(client, auth, data, query=f"?contractor_id={data.ids['c2']}&building_id={data.ids['b1']}&format=pdf")
    assert res.status_code == 200 and res.mimetype == "application/pdf"
    text = pdf_text(res.data)
    assert "整改通知单" in text and "乙精装" in text and "1栋" in text
    assert str(data.defects["d4"].id)[:8].upper() in text
    assert str(data.defects["d3"].id)[:8].upper() not in text  # closed


def test_notice_permissions(client, auth, data):
    own = notice(client, auth, data, "crew1")
    assert own.status_code == 200
    assert load_workbook(io.BytesIO(own.data)).active["A1"].value == "整改通知单 · 甲土建"
    assert notice(client, auth, data, "crew1", f"?contractor_id={data.ids['c2']}").status_code == 404
    for who in ("owner", "inspector"):
        assert notice(client, auth, data, who, f"?contractor_id={data.ids['c1']}").status_code == 403
    assert notice(client, auth, data, "outsider", f"?contractor_id={data.ids['c1']}").status_code == 404
    assert notice(client, auth, data, "manager").json["code"] == "export_invalid"  # which contractor?
    assert notice(client, auth, data, "manager", "?contractor_id=1&format=doc").status_code == 422
    assert notice(client, auth, data, "manager", "?contractor_id=1&colour=red").json["code"] == "stats_unknown_filter"
    assert notice(client, auth, data, "manager", "?contractor_id=999999").status_code == 404


def test_batch_summary_pdf_shows_the_stats_numbers(client, auth, data):
    base = f"/api/projects/{data.ids['project']}/stats"
    for query in ("", f"?batch={data.ids['r1']}"):
        numbers = client.get(base + query, headers=h(auth, data, "manager")).json["numbers"]
        res = client.get(f"{base}/report.pdf{query}", headers=h(auth, data, "manager"))
        assert res.status_code == 200, res.data[:300]
        text = pdf_text(res.data)
        assert "批次统计汇总" in text and "甲土建" in text
        lines = {line.split(" ")[0]: line for line in text.splitlines()}
        assert lines["缺陷总数"].split()[1] == str(numbers["defects"])
        assert lines["户均缺陷数"].split()[1] == str(numbers["defects_per_unit"])
        assert lines["整改完成率"].split()[1] == f"{numbers['completion_rate'] * 100:.1f}%"
        assert lines["按期整改率"].split()[1] == f"{numbers['on_time_rate'] * 100:.1f}%"
        assert lines["零缺陷户比例"].split()[1] == f"{numbers['zero_defect_rate'] * 100:.1f}%"
    for who, status in (("inspector", 403), ("crew1", 403), ("owner", 403), ("outsider", 404)):
        assert client.get(f"{base}/report.pdf", headers=h(auth, data, who)).status_code == status


def test_unit_report(client, auth, data):
    res = client.get(f"/api/units/{data.ids['u1']}/report.pdf", headers=h(auth, data, "manager"))
    assert res.status_code == 200
    text = pdf_text(res.data)
    assert "分户验收报告" in text and "缺陷 2 项" in text
    assert str(data.defects["d1"].id)[:8].upper() in text
    assert str(data.defects["d6"].id)[:8].upper() not in text  # void
    for who, status in (("inspector", 403), ("crew1", 403), ("owner", 403), ("outsider", 404)):
        assert client.get(f"/api/units/{data.ids['u1']}/report.pdf", headers=h(auth, data, who)).status_code == status


def export(client: Any, auth: Any, data: Data, who: str, query: str) -> Any:
    return client.get(f"/api/defects/export{query}", headers=h(auth, data, who))


def test_defect_list_exports_with_its_filters(client, auth, data):
    pid = data.ids["project"]
    res = export(client, auth, data, "manager", f"?format=csv&project_id={pid}")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(res.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "楼栋", "单元房号"] and len(rows) == 1 + 7
    res = export(client, auth, data, "manager", f"?format=xlsx&project_id={pid}&status=closed&status=visited")
    ws = load_workbook(io.BytesIO(res.data)).active
    ids = {r[-1] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert ids == {str(data.defects[k].id) for k in ("d1", "d2", "d3")}
    # a crew exports only its contractor's defects, whatever it asks for
    rows = list(csv.reader(io.StringIO(export(client, auth, data, "crew1", "?format=csv").data.decode("utf-8-sig"))))
    assert {r[-1] for r in rows[1:]} == {str(data.defects[k].id) for k in ("d1", "d2", "d5", "d7")}
    assert (
        export(client, auth, data, "outsider", f"?format=csv&project_id={pid}").data.decode("utf-8-sig").count("\n")
        == 1
    )  # header only
    assert export(client, auth, data, "owner", "?format=csv").status_code == 403
    for bad in ("?format=pdf", "?project_id=abc", "?status=lost", "?colour=red", "?project_id=99999999999"):
        res = export(client, auth, data, "manager", bad)
        assert res.status_code == 422 and res.json["code"] == "export_invalid", bad
