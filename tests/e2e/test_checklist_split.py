"""Two inspectors split one unit's rooms offline; after both sync, the unit is 已验 on both tablets' floor
grids and on the server."""

from __future__ import annotations

import pytest

from . import pwa

pytestmark = pytest.mark.e2e


def answer_rooms(page, base, unit_id, rooms):
    page.goto(f"{base}/#/u/{unit_id}/checklist")
    page.wait_for_selector("section.checklist", timeout=60_000)
    for i in rooms:
        page.locator("[data-room]").nth(i).click()
        pwa.answer_open_items(page)


def test_two_tablets_split_the_rooms(server, new_context):
    unit = server.get("inspector", "/api/projects/1/units").json()[7]
    pages = {}
    for user in ("inspector", "inspector2"):
        ctx = new_context()
        page = ctx.new_page()
        pwa.login(page, server.base, user)
        pwa.download(page)
        pwa.wait_for_service_worker(page)
        ctx.set_offline(True)
        pages[user] = (ctx, page)
    a, b = pages["inspector"][1], pages["inspector2"][1]
    answer_rooms(a, server.base, unit["id"], [0])
    b.goto(f"{server.base}/#/u/{unit['id']}/checklist")
    b.wait_for_selector("section.checklist")
    tabs = b.locator("[data-room]").count()
    answer_rooms(b, server.base, unit["id"], range(1, tabs))
    for page in (a, b):
        assert page.locator("section.checklist").get_attribute("data-progress") == "partial"

    for user in ("inspector", "inspector2", "inspector"):  # the first syncs again to see the second's rooms
        ctx, page = pages[user]
        ctx.set_offline(False)
        pwa.sync_now(page, server.base)
        pwa.wait_synced(page)
    for page in (a, b):
        page.goto(f"{server.base}/#/p/1/b/{unit['building_id']}")
        page.wait_for_selector(f"[data-unit='{unit['id']}'][data-inspected=done]")
    round_id = a.locator("[data-round]").first.get_attribute("data-round")
    progress = server.get("inspector", f"/api/inspections/{round_id}/progress").json()
    row = next(p for p in progress if p["unit_id"] == unit["id"])
    assert row["status"] == "done" and row["items_done"] == row["items_total"] > 0
