"""An inspector walks a unit's 分户验收 checklist offline: measured values judged by tolerance, failures
becoming defects, the unit 已验 on the floor grid; back online, answers and defects reach the server once."""

from __future__ import annotations

import pytest

from . import pwa

pytestmark = pytest.mark.e2e


def test_checklist_walk_offline_then_synced(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "inspector")
    pwa.download(page)
    pwa.wait_for_service_worker(page)
    unit = server.get("inspector", "/api/projects/1/units").json()[5]

    ctx.set_offline(True)
    page.reload()
    page.goto(f"{server.base}/#/u/{unit['id']}/checklist")
    page.wait_for_selector("section.checklist", timeout=60_000)
    round_id = page.locator("[data-round]").first.get_attribute("data-round")
    assert round_id
    first_room = page.locator("[data-room]").first
    first_room.click()
    flat = page.locator("[data-item=wall_flatness]")
    flat.locator("input[name=measured]").fill("6.5")  # over 4 mm: fails, and becomes a defect
    flat.locator("[data-action=measure]").click()
    page.wait_for_selector("[data-item=wall_flatness][data-result=fail]")
    assert flat.locator("[data-action=defect-photos]").count() == 1
    height = page.locator("[data-item=net_height]")
    height.locator("input[name=measured]").fill("-20")  # on the bound: passes
    height.locator("[data-action=measure]").click()
    page.wait_for_selector("[data-item=net_height][data-result=pass]")
    page.locator("[data-item=wall_crack] [data-answer=fail]").click()
    page.wait_for_selector("[data-item=wall_crack][data-result=fail]")
    # everything else passes, room by room
    for i in range(page.locator("[data-room]").count()):
        page.locator("[data-room]").nth(i).click()
        pwa.answer_open_items(page)
    page.wait_for_selector("section.checklist[data-progress=done]")
    total = int(page.locator("section.checklist").get_attribute("data-total"))
    assert page.locator("[data-inspected=done]").count() == 1

    page.goto(f"{server.base}/#/p/1/b/{unit['building_id']}")
    page.wait_for_selector(f"[data-unit='{unit['id']}'][data-inspected=done]")

    ctx.set_offline(False)
    pwa.wait_synced(page)
    progress = server.get("inspector", f"/api/inspections/{round_id}/progress").json()
    assert {"unit_id": unit["id"], "status": "done", "items_done": total, "items_total": total} in progress
    results = server.get("inspector", f"/api/inspections/{round_id}/results?unit_id={unit['id']}").json()
    assert len(results) == total
    failed = [r for r in results if r["result"] == "fail"]
    assert len(failed) == 2 and all(r["defect_id"] for r in failed)
    defects = server.get("inspector", f"/api/defects?unit_id={unit['id']}&per_page=1000").json()
    made = {d["id"]: d for d in defects if d["id"] in {r["defect_id"] for r in failed}}
    assert len(made) == 2
    assert any("6.5" in d["description"] and d["room_id"] for d in made.values())
    assert all(d["inspection_id"] == round_id for d in made.values())
    assert pwa.local(page, "outbox") == []
