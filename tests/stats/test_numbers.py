"""Every number of the stats endpoint against values worked out by hand on the fixed data set
(tests/stats/dataset.py); docs/statistics.md defines each one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.stats.dataset import NOW, Data, build


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "STATS_NOW": NOW}


@pytest.fixture
def data(app: Any) -> Data:
    return build()


def get(client: Any, auth: Any, data: Data, who: str = "manager", query: str = "", path: str = "stats") -> Any:
    return client.get(f"/api/projects/{data.ids['project']}/{path}{query}", headers=auth.headers(data.users[who]))


def test_headline_numbers(client, auth, data):
    res = get(client, auth, data)
    assert res.status_code == 200, res.json
    n = res.json["numbers"]
    # d6 is void and counts nowhere; d7 was reported outside any round.
    assert n["defects"] == 6
    assert n["found_in_rounds"] == 5
    # inspected: u3 (checklist done), u1, u2, u5 (defects in rounds); u4 only partial → not inspected
    assert n["units_inspected"] == 4
    assert n["units_zero_defect"] == 1
    assert n["defects_per_unit"] == 1.25
    assert n["zero_defect_rate"] == 0.25
    assert n["completed"] == 3 and n["completion_rate"] == 0.5
    # d1 by fix_due_at, d2 by 23:00 Beijing time on its due date; d3 three days late
    assert (n["completed_with_deadline"], n["on_time"], n["on_time_rate"]) == (3, 2, 0.6667)
    assert n["overdue"] == 2  # d4 (due 11-20) and d7 (due 11-25); d5 is due in December
    assert (n["repaired"], n["repeated"], n["repeat_rate"]) == (4, 2, 0.5)
    assert n["days_to_fix_mean"] == 5.8  # (2 + 8.54 + 7) / 3
    assert (n["satisfaction_mean"], n["satisfaction_count"]) == (4.0, 2)
    assert n["grade_a"] == 2
    # round 1: invited u1 (homeowner), u2 (invitation); u3 checked in without one → 2 of 3
    assert (n["attendance_invited"], n["attendance_attended"], n["attendance_rate"]) == (3, 2, 0.6667)
    assert res.json["targets"]["attendance_rate"] == 0.8


def test_top_types_and_trend(client, auth, data):
    body = get(client, auth, data).json
    assert [(t["name_zh"], t["defects"]) for t in body["top_types"]] == [("卫生间渗漏", 3), ("空鼓", 3)]
    assert body["trend"] == [
        {"week": "2026-11-02", "found": 3, "closed": 1},
        {"week": "2026-11-09", "found": 0, "closed": 2},
        {"week": "2026-11-16", "found": 3, "closed": 0},
    ]


def test_scorecard_by_month(client, auth, data):
    rows = {r["contractor"]: r for r in get(client, auth, data).json["scorecard"]}
    c1, c2 = rows["甲土建"], rows["乙精装"]
    assert c1["month"] == c2["month"] == "2026-11"
    assert (c1["assigned"], c1["accepted_in_time"], c1["accepted_in_time_rate"]) == (4, 1, 0.5)
    assert (c1["closed"], c1["on_time"], c1["on_time_rate"]) == (2, 2, 1.0)
    assert (c1["repeat_repairs"], c1["satisfaction_mean"]) == (1, 4.0)
    assert (c2["assigned"], c2["accepted_in_time_rate"], c2["closed"], c2["on_time_rate"]) == (2, None, 1, 0.0)
    assert (c2["repeat_repairs"], c2["satisfaction_mean"]) == (1, None)


def test_filters(client, auth, data):
    n = get(client, auth, data, query=f"?building_id={data.ids['b1']}").json["numbers"]
    assert (n["defects"], n["units_inspected"], n["units_zero_defect"]) == (4, 3, 1)
    # contractor: inspected units stay the rounds' units; zero-defect means no defect of that contractor
    n = get(client, auth, data, query=f"?contractor={data.ids['c1']}").json["numbers"]
    assert (n["defects"], n["found_in_rounds"], n["units_inspected"], n["units_zero_defect"]) == (4, 3, 4, 2)
    assert n["defects_per_unit"] == 0.75
    n = get(client, auth, data, query=f"?batch={data.ids['r2']}").json["numbers"]
    assert (n["defects"], n["units_inspected"], n["attendance_invited"]) == (2, 2, 0)
    assert n["attendance_rate"] is None  # no customer-facing round with check-ins: unknown, not 0%
    n = get(client, auth, data, query=f"?type_id={data.ids['leak']}&date_from=2026-11-03&date_to=2026-11-30").json
    assert n["numbers"]["defects"] == 2  # d4, d7
    assert get(client, auth, data, query="?category=工程质量").json["numbers"]["defects"] == 6
    assert get(client, auth, data, query="?category=销售服务").json["numbers"]["defects"] == 0


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("?colour=red", 400, "stats_unknown_filter"),
        ("?building_id=abc", 422, "stats_bad_filter"),
        ("?building_id=99999999999", 422, "stats_bad_filter"),
        ("?batch=not-a-uuid", 422, "stats_bad_filter"),
        ("?date_from=2026-13-01", 422, "stats_bad_filter"),
        ("?date_from=2026-11-10&date_to=2026-11-01", 422, "stats_bad_filter"),
        ("?category=" + "x" * 100, 422, "stats_bad_filter"),
        ("?contractor_id=1&contractor_id=2", 422, "stats_bad_filter"),
    ],
)
def test_bad_filters_refused_with_a_code(client, auth, data, query, status, code):
    res = get(client, auth, data, query=query)
    assert res.status_code == status
    assert res.json["code"] == code


def test_who_sees_the_numbers(client, auth, data):
    assert get(client, auth, data, "admin").status_code == 200
    for who in ("inspector", "crew1", "owner"):
        assert get(client, auth, data, who).status_code == 403, who
    assert get(client, auth, data, "outsider").status_code == 404
    assert client.get(f"/api/projects/{data.ids['project']}/stats").status_code == 401


def test_crew_sees_only_its_own_scorecard(client, auth, data):
    body = get(client, auth, data, "crew1", path="stats/scorecard", query=f"?contractor_id={data.ids['c2']}").json
    assert {r["contractor"] for r in body["scorecard"]} == {"甲土建"}
    assert {r["contractor"] for r in get(client, auth, data, "manager", path="stats/scorecard").json["scorecard"]} == {
        "甲土建",
        "乙精装",
    }
    assert get(client, auth, data, "owner", path="stats/scorecard").status_code == 403
    assert get(client, auth, data, "inspector", path="stats/scorecard").status_code == 403
    assert get(client, auth, data, "outsider", path="stats/scorecard").status_code == 404
