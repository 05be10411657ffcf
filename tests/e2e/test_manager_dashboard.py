"""Issue 15, done when: a manager opens the dashboard, sees the project's numbers against their targets,
drills into the overdue defects, and is refused a delivery permit for 1栋 while its leaks are open; the
dashboard then opens offline from the last fetch, marked with its time."""

from __future__ import annotations

import pytest

from . import pwa

pytestmark = pytest.mark.e2e


def test_manager_dashboard_drill_down_and_delivery_gate(server, new_context):
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "manager")
    pwa.download(page, pwa.DEMO_PROJECT)
    pwa.wait_for_service_worker(page)
    stats = server.get("manager", f"/api/projects/{pwa.DEMO_PROJECT}/stats").json()

    page.goto(f"{server.base}/#/p/{pwa.DEMO_PROJECT}")
    page.click("[data-go=dashboard]")
    page.wait_for_selector(".stat-tiles")
    defects_tile = page.locator(".stat-tile").first
    assert str(stats["numbers"]["defects"]) in defects_tile.inner_text()
    assert "80.0%" in page.locator(".stat-tiles").inner_text()  # the attendance target
    page.wait_for_selector("[data-chart=trend] canvas")
    assert page.locator(".scorecard tbody tr").count() == len(stats["scorecard"])

    # Drill into the overdue defects: the list shows exactly the overdue ones of this device's copy.
    page.locator(".stat-tile").nth(5).click()
    page.wait_for_selector(".defect-list, h2")
    assert "/defects?" in page.url and "overdue=1" in page.url

    # 1栋 is red with its open leaks listed; a manager is offered no permit.
    buildings = server.get("manager", f"/api/projects/{pwa.DEMO_PROJECT}/buildings").json()
    b1 = next(b for b in buildings if b["name"] == "1栋")
    readiness = server.get(
        "manager", f"/api/projects/{pwa.DEMO_PROJECT}/buildings/{b1['id']}/delivery-readiness"
    ).json()
    assert readiness["ready"] is False
    page.goto(f"{server.base}/#/p/{pwa.DEMO_PROJECT}/delivery/{b1['id']}")
    page.wait_for_selector("h2[data-ready=false]")
    leaks = page.locator("[data-criterion=open_leaks] .blockers [data-defect]")
    expected = next(c for c in readiness["criteria"] if c["code"] == "open_leaks")
    assert leaks.count() == len(expected["blocking"]) > 0
    assert page.locator(".permit-form button.primary").count() == 0
    r = server.send("manager", "POST", f"/api/projects/{pwa.DEMO_PROJECT}/buildings/{b1['id']}/delivery-permits", {})
    assert r.status_code == 409 and r.json()["code"] == "delivery_not_ready"

    # Offline: the dashboard opens from the last fetch, marked with its time.
    ctx.set_offline(True)
    page.goto(f"{server.base}/#/p/{pwa.DEMO_PROJECT}/dashboard")
    page.reload()
    page.wait_for_selector(".dashboard [data-fetched-at].warn")
    assert str(stats["numbers"]["defects"]) in page.locator(".stat-tile").first.inner_text()
