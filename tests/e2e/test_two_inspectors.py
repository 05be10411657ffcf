"""Issue scenario 2: two inspectors change the same defect offline, then sync. Both devices end with
the same data as the server; the true conflict (a re-check passed on one, failed on the other) is
shown on the defect in words, both sides labelled (你的修改 on the device that made it, 服务器上的值), and
resolved from the card; both devices then show it resolved and the sync bar says all is synced again."""

from __future__ import annotations

import pytest

from . import pwa

pytestmark = pytest.mark.e2e

FIELDS = ("status", "severity", "description", "repeat_count", "room_id", "type_id")


def edit(page, base, defect_id, description=None, severity=None):
    page.goto(f"{base}/#/d/{defect_id}")
    page.click("[data-action=edit]")
    page.wait_for_selector("[data-chosen-type]")
    if description is not None:
        page.fill("textarea[name=description]", description)
    if severity is not None:
        page.click(f"[data-severity={severity}]")
    page.click("[data-action=save]")
    page.wait_for_selector(f"[data-defect-detail='{defect_id}']")


def status(page, base, defect_id, action):
    page.goto(f"{base}/#/d/{defect_id}")
    page.click(f"[data-status-action={action}]")
    if action == "fail":  # a failed re-check says why
        page.fill("input[name=reason]", "阴角仍有空鼓")
        page.click("[data-action=send-status]")
    page.wait_for_selector(f"[data-defect-detail='{defect_id}'] [data-status]")


def test_offline_edits_converge_and_the_conflict_is_shown(server, new_context):
    fixed = server.get("inspector", "/api/defects?project_id=1&status=fixed&per_page=1").json()[0]
    did = fixed["id"]
    pages = {}
    for user in ("inspector", "inspector2"):
        ctx = new_context()
        page = ctx.new_page()
        pwa.login(page, server.base, user)
        pwa.download(page)
        pwa.wait_for_service_worker(page)
        ctx.set_offline(True)
        pages[user] = (ctx, page)
    (ctx_a, a), (ctx_b, b) = pages["inspector"], pages["inspector2"]

    edit(a, server.base, did, description="A：墙角空鼓约 30cm")
    status(a, server.base, did, "pass")
    edit(b, server.base, did, description="B：墙角空鼓约 40cm，需返工", severity="A")
    status(b, server.base, did, "fail")
    assert pwa.local(a, "defects", did)["status"] == "closed"
    assert pwa.local(b, "defects", did)["status"] == "assigned"

    ctx_a.set_offline(False)
    pwa.wait_synced(a)
    ctx_b.set_offline(False)
    pwa.wait_synced(b, conflicts=True)
    pwa.sync_now(a, server.base)
    pwa.wait_synced(a, conflicts=True)

    server_copy = server.get("inspector", f"/api/defects/{did}").json()
    # The re-check that reached the server first wins; the later, stale one became a conflict record.
    assert server_copy["status"] == "closed"
    assert server_copy["repeat_count"] == 0
    # Different fields merge; the same field is last-writer-wins by clock (B wrote later).
    assert server_copy["severity"] == "A"
    assert server_copy["description"] == "B：墙角空鼓约 40cm，需返工"
    for page in (a, b):
        mine = pwa.local(page, "defects", did)
        assert {k: mine[k] for k in FIELDS} == {k: server_copy[k] for k in FIELDS}
        assert mine["_pending"] is False

    conflicts = server.get("inspector", f"/api/sync/conflicts?defect_id={did}").json()
    assert len(conflicts) == 1
    for page in (a, b):
        page.goto(f"{server.base}/#/d/{did}")
        box = page.locator("[data-conflicts]")
        box.wait_for()
        assert box.get_attribute("data-conflicts") == "1"
        card = box.locator("[data-conflict]")
        assert card.locator("thead [data-side=server]").inner_text() == "服务器上的值"
        # The server kept the pass (closed); the stale change was inspector2's failed re-check.
        assert card.locator("[data-field=status] [data-side=server]").inner_text() == "已关闭"
        assert "复验不通过" in card.locator("[data-field=status] [data-side=mine]").inner_text()
        assert "hlc" not in card.inner_text() and "device_id" not in card.inner_text()
    assert b.locator("[data-conflict] thead [data-side=mine]").inner_text() == "你的修改"
    assert a.locator("[data-conflict] thead [data-side=mine]").inner_text() != "你的修改"

    # The failed re-check cannot apply to a closed defect: the inspector may only keep the server's value.
    assert a.locator("[data-resolve=theirs]").count() == 0
    a.click("[data-resolve=ours]")
    a.wait_for_selector("[data-conflict][data-conflict-status=resolved]", timeout=60_000)
    pwa.wait_synced(a)
    pwa.sync_now(b, server.base)
    pwa.wait_synced(b)
    b.goto(f"{server.base}/#/d/{did}")
    b.wait_for_selector("[data-conflict][data-conflict-status=resolved]", timeout=60_000)
    assert server.get("inspector", f"/api/sync/conflicts?defect_id={did}").json() == []
