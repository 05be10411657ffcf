"""Photo mark-up offline: an inspector logs a defect with a photo, draws an arrow on it, and comes back
online; the mark-up reaches the server through the outbox (photo.annotate) after its photo uploads."""

from __future__ import annotations

import pytest

from . import pwa

pytestmark = pytest.mark.e2e


def test_mark_up_drawn_offline_reaches_the_server(server, new_context, photos):
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "inspector")
    pwa.download(page)
    pwa.wait_for_service_worker(page)
    unit_id = server.get("inspector", "/api/projects/1/units").json()[7]["id"]

    ctx.set_offline(True)
    pwa.open_unit(page, server.base, unit_id)
    pwa.log_defect(page, 0.3, 0.6, "kg", "surface.hollow", "离线标注", photos[0])
    [m] = [m for m in pwa.local(page, "outbox") if m["name"] == "defect.create"]
    did, sha = m["args"]["id"], m["args"]["photos"][0]["sha256"]

    page.goto(f"{server.base}/#/d/{did}/photo/{sha}")
    page.wait_for_selector(".annotate-canvas")
    box = page.locator(".annotate-canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.up()
    page.click("[data-action=save-annotations]")
    page.wait_for_function(f"() => !location.hash.includes('/photo/{sha}')")
    # The photo is not on the server yet: the mark-up waits for it instead of being refused.
    assert [m["name"] for m in pwa.local(page, "outbox")] == ["defect.create"]

    ctx.set_offline(False)  # the page's 'online' handler starts the sync: push, upload, then the mark-up
    pwa.wait_synced(page)
    got = server.get("inspector", f"/api/photos/{sha}/annotations").json()
    assert [s["type"] for s in got["shapes"]] == ["arrow"] and got["clock"]
    assert pwa.local(page, "outbox") == []
