"""Issue scenario 4: a server refusal (the inspector lost access to a project while offline) is shown
on that item in the app's words for the server's code, offers only what can succeed (discard: sending the
same record again would be refused again), and does not block the rest."""

from __future__ import annotations

import pytest

from . import pwa

pytestmark = pytest.mark.e2e


def test_refused_item_is_shown_and_the_rest_syncs(server, new_context, photos):
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "inspector")
    second = next(p for p in server.get("inspector", "/api/projects").json() if p["code"] == "E2E-TWO")
    pwa.download(page, pwa.DEMO_PROJECT)
    pwa.download(page, second["id"])
    pwa.wait_for_service_worker(page)
    demo_unit = server.get("inspector", "/api/projects/1/units").json()[3]["id"]
    other_unit = server.get("inspector", f"/api/projects/{second['id']}/units").json()[0]["id"]

    ctx.set_offline(True)
    pwa.open_unit(page, server.base, other_unit)
    pwa.log_defect(page, 0.5, 0.7, "lf", "surface.crack", "项目二的缺陷", photos[0])
    pwa.open_unit(page, server.base, demo_unit)
    pwa.log_defect(page, 0.3, 0.7, "kg", "surface.hollow", "演示项目的缺陷", photos[1])

    # Meanwhile the administrator takes the inspector off the second project.
    me = server.get("inspector", "/api/auth/me").json()
    r = server.send("admin", "PATCH", f"/api/users/{me['id']}", {"project_ids": [pwa.DEMO_PROJECT]})
    assert r.status_code == 200, r.text

    ctx.set_offline(False)
    page.wait_for_selector("[data-sync-state][data-errors='1'][data-pending-records='0']", timeout=60_000)
    assert pwa.counts(page) == {"records": 0, "photos": 0, "errors": 1}

    synced = [
        d
        for d in server.get("inspector", f"/api/defects?unit_id={demo_unit}").json()
        if d["description"] == "演示项目的缺陷"
    ]
    assert len(synced) == 1 and len(synced[0]["photos"]) == 1

    # The refused record is marked on its item, with the app's words for the server's code.
    page.goto(f"{server.base}/#/sync")
    item = page.locator(".queue li[data-state=rejected]")
    item.wait_for()
    assert item.count() == 1
    reason = item.locator(".reason").inner_text()
    assert "您无权查看" in reason and "outside" not in reason  # worded from not_found, not the raw text
    assert item.locator("button", has_text="重试").count() == 0, "a retry of this refusal cannot succeed"
    pwa.open_unit(page, server.base, other_unit)
    row = page.locator(".defect-row", has_text="项目二的缺陷")
    row.locator(".badge.err").wait_for()
    row.click()
    page.wait_for_selector("[data-rejected]")

    # Only discarding is offered; it removes the record and nothing else is left to send.
    assert page.locator("[data-rejected] button", has_text="重试").count() == 0
    assert pwa.counts(page)["errors"] == 1
    page.locator("[data-rejected] button", has_text="放弃").click()
    page.click("[data-rejected] [data-confirm-yes=discard]")  # a change that was never synced: asked first
    pwa.wait_synced(page)
    assert pwa.local(page, "outbox") == []
