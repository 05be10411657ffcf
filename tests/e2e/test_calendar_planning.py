"""Issue 16, done when: a manager plans the rounds from the delivery date. From the dispatch desk the manager
opens the inspection plan, enters the delivery date, gets the 90-60-45-30 calendar for a building, adjusts
the open day (a third day, three floors, the inspector as its lead), leaves one round out, saves, and opens
the open day; the inspector's tablet then offers that round in its round picker, and not the planned ones."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from . import pwa

pytestmark = pytest.mark.e2e

DELIVERY = date(2027, 9, 30)


def _day(offset: int) -> str:
    return (DELIVERY + timedelta(days=offset)).isoformat()


def test_manager_plans_the_rounds_and_the_inspector_picks_one(server, new_context):
    pid = pwa.DEMO_PROJECT
    building = server.get("manager", f"/api/projects/{pid}/buildings").json()[0]
    inspector = next(p for p in server.get("manager", f"/api/projects/{pid}/calendar/people").json()
                     if p["username"] == "inspector")  # fmt: skip

    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "manager")
    pwa.download(page, pid)
    page.goto(f"{server.base}/#/p/{pid}/tasks")  # the manager's dispatch desk
    page.click("[data-go=calendar]")
    page.wait_for_selector("section.calendar[data-ready=calendar]", timeout=60_000)
    page.fill("input[name=delivery_date]", DELIVERY.isoformat())
    page.select_option("select[name=scope]", str(building["id"]))
    page.click("[data-action=propose]")
    page.wait_for_selector("li[data-key=open_day]", timeout=60_000)

    # The calendar of the delivery date: internal acceptance in stages, T−90 completion, T−60 … T−0.
    completion = page.locator("[data-milestone=completion]").inner_text()
    assert "T−90" in completion and _day(-90) in completion
    starts = {
        key: page.locator(f"li[data-key={key}] input[name=planned_start]").input_value()
        for key in ("group_joint", "open_day", "regional_joint", "delivery")
    }
    assert starts == {"group_joint": _day(-62), "open_day": _day(-46), "regional_joint": _day(-32), "delivery": _day(0)}
    assert page.locator("li[data-key=handover] input[name=planned_end]").input_value() == _day(-15)
    assert page.locator("li[data-key^=internal]").count() == 3

    # The manager adjusts the open day and leaves the first internal stage out.
    open_day = page.locator("li[data-key=open_day]")
    open_day.locator("input[name=planned_end]").fill(_day(-43))
    open_day.locator("input[name=floors]").fill("1-3")
    open_day.locator("details.cal-people summary").click()
    open_day.locator("[data-person=inspector] select").select_option("lead")
    page.locator("li[data-key=internal_civil] input[name=include]").uncheck()
    page.click("[data-action=save-calendar]")
    page.wait_for_selector("[data-saved]", timeout=60_000)
    page.wait_for_selector("li.cal-round[data-kind=pre_inspection][data-status=planned]")

    assert server.get("manager", f"/api/projects/{pid}").json()["delivery_date"] == DELIVERY.isoformat()
    planned = [
        r
        for r in server.get("manager", f"/api/projects/{pid}/rounds").json()
        if r["name"].startswith(f"{building['name']} ")
    ]
    assert len(planned) == 7 and {r["status"] for r in planned} == {"planned"}
    assert {r["building_id"] for r in planned} == {building["id"]}
    day = next(r for r in planned if r["kind"] == "pre_inspection")
    assert (day["planned_start"], day["planned_end"], day["floors"]) == (_day(-46), _day(-43), [1, 2, 3])
    assert [(p["user_id"], p["role"]) for p in day["participants"]] == [(inspector["id"], "lead")]

    # Open day begins: the manager opens the round.
    page.locator(f"li[data-round-id='{day['id']}'] [data-action=open-round]").click()
    page.wait_for_selector(f"li[data-round-id='{day['id']}'][data-status=open]", timeout=60_000)
    assert server.get("manager", f"/api/inspections/{day['id']}").json()["status"] == "open"

    # The inspector's tablet offers it in the round picker after its download; planned rounds are not offered.
    ictx = new_context()
    tablet = ictx.new_page()
    pwa.login(tablet, server.base, "inspector")
    pwa.download(tablet, pid)
    tablet.goto(f"{server.base}/#/p/{pid}/b/{building['id']}")
    tablet.wait_for_selector(f"select[name=round] option[value='{day['id']}']", state="attached", timeout=60_000)
    group = next(r for r in planned if r["kind"] == "group_joint")
    assert tablet.locator(f"select[name=round] option[value='{group['id']}']").count() == 0
    tablet.select_option("select[name=round]", day["id"])
    tablet.wait_for_selector(f".round-picker[data-round='{day['id']}']")
    assert tablet.locator("select[name=round]").input_value() == day["id"]
    assert tablet.locator(f"select[name=round] option[value='{day['id']}']").inner_text() == day["name"]
    # The inspector is not offered the plan (the rule table's screen_roles.calendar), nor can open it.
    tablet.goto(f"{server.base}/#/p/{pid}")
    tablet.wait_for_selector("[data-building]", timeout=60_000)
    assert tablet.locator("[data-go=calendar]").count() == 0
    tablet.goto(f"{server.base}/#/p/{pid}/calendar")
    tablet.wait_for_selector("p.empty:has-text('找不到该记录')", timeout=60_000)  # the screen loaded and refused
    assert tablet.locator("section.calendar").count() == 0
