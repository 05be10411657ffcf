"""Issue scenario 1: log in online, go offline, reopen the app, log defects with photos, come back
online — everything reaches the server exactly once and the unsynced count returns to zero."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from . import pwa

pytestmark = pytest.mark.e2e


def test_offline_day_reaches_server_exactly_once(server, new_context, photos):
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "inspector")
    pwa.download(page)
    pwa.wait_for_service_worker(page)
    unit_id = server.get("inspector", "/api/projects/1/units").json()[5]["id"]

    ctx.set_offline(True)
    page.reload()  # no network at all: the shell comes from the service worker, the data from IndexedDB
    pwa.open_unit(page, server.base, unit_id)
    before = int(page.locator("[data-count]").get_attribute("data-count"))
    for i, (x, y, search, code) in enumerate(
        [(0.2, 0.7, "kg", "surface.hollow"), (0.6, 0.2, "裂缝", "surface.crack"), (0.85, 0.8, "seal", "door.seal")]
    ):
        pwa.log_defect(page, x, y, search, code, f"离线记录 {i + 1}", photos[i])
    assert page.locator("[data-count]").get_attribute("data-count") == str(before + 3)
    assert pwa.counts(page) == {"records": 3, "photos": 3, "errors": 0}
    assert page.locator(".pin.pending").count() == 3

    ctx.set_offline(False)  # the page's 'online' handler starts the sync
    pwa.wait_synced(page)

    defects = server.get("inspector", f"/api/defects?unit_id={unit_id}&per_page=1000").json()
    mine = sorted((d for d in defects if d["description"].startswith("离线记录")), key=lambda d: d["description"])
    assert [d["description"] for d in mine] == ["离线记录 1", "离线记录 2", "离线记录 3"]
    local_ids = {d["id"] for d in pwa.local(page, "defects") if d["description"].startswith("离线记录")}
    assert {d["id"] for d in mine} == local_ids
    for d in mine:
        assert len(d["photos"]) == 1 and d["photos"][0]["kind"] == "before"
        assert d["pin_x"] is not None and d["room_id"] is not None
        photo = server.get("inspector", f"/api/photos/{d['photos'][0]['sha256']}?size=original")
        assert photo.status_code == 200
        assert photo.headers["Content-Type"] == "image/jpeg"
        with Image.open(io.BytesIO(photo.content)) as img:
            assert img.height > img.width  # EXIF orientation 6 was applied in the browser
            assert max(img.size) <= 2048
    assert pwa.local(page, "outbox") == []
    assert pwa.local(page, "photoQueue") == []
