"""Each role lands on its own work list. A crew's offline morning: accept two tasks, reject one with a reason,
then one sync; the inspector's 待复验 and the manager's 调度台 show what those roles act on, with only the
buttons the rule table gives them."""

from __future__ import annotations

import pytest

from . import pwa

pytestmark = pytest.mark.e2e


def test_crew_accepts_and_rejects_offline_then_syncs_once(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "crew1")
    pwa.download(page)
    pwa.wait_for_service_worker(page)
    ctx.set_offline(True)
    page.goto(f"{server.base}/#/p/{pwa.DEMO_PROJECT}/tasks")
    page.wait_for_selector("[data-board=crew] .task")
    rows = page.locator(".task:has([data-action=accept])")
    assert rows.count() >= 3
    ids = [rows.nth(i).get_attribute("data-defect") for i in range(3)]
    # Grouped by unit, the units with overdue work first.
    flags = page.locator(".task-unit").evaluate_all(
        "els => els.map(e => e.querySelector('.task').dataset.overdue === '1')"
    )
    assert flags == sorted(flags, reverse=True) and flags[0]
    # Only a crew's buttons: no re-check, no dispatch.
    assert (
        page.locator("[data-board=crew] [data-action=pass], [data-board=crew] [data-action=bulk-dispatch]").count() == 0
    )
    for defect_id in ids[:2]:
        page.click(f".task[data-defect='{defect_id}'] [data-action=accept]")
        page.wait_for_selector(f".task[data-defect='{defect_id}']:not(:has([data-action=accept]))")
    page.click(f".task[data-defect='{ids[2]}'] [data-action=reject]")
    page.fill(f".task[data-defect='{ids[2]}'] textarea[name=reason]", "不是我们的专业，应为水电")
    page.click(f".task[data-defect='{ids[2]}'] [data-action=send-reason]")
    page.wait_for_selector(f".task[data-defect='{ids[2]}']", state="detached")
    assert pwa.counts(page)["records"] == 3

    ctx.set_offline(False)
    pwa.wait_synced(page)
    accepted = [server.get("manager", f"/api/defects/{i}").json() for i in ids[:2]]
    assert all(d["accepted_at"] and d["status"] == "assigned" for d in accepted)
    rejected = server.get("manager", f"/api/defects/{ids[2]}").json()
    assert rejected["status"] == "open" and rejected["contractor_id"] is None


@pytest.mark.parametrize(
    ("user", "board", "action"), [("inspector", "inspector", "pass"), ("manager", "manager", "bulk-dispatch")]
)
def test_inspector_and_manager_boards(server, new_context, user, board, action):
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, user)
    pwa.download(page)
    page.goto(f"{server.base}/#/p/{pwa.DEMO_PROJECT}/tasks")
    page.wait_for_selector(f"[data-board={board}] .task")
    assert page.locator(f"[data-action={action}]").count() >= 1
    assert page.locator("[data-action=accept]").count() == 0
