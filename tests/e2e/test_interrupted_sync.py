"""Issue scenario 3: the page is closed in the middle of a sync — the server has applied the push but
the answer never arrived. Reopening the app sends the same mutations again; nothing is lost and
nothing is duplicated."""

from __future__ import annotations

import json

import pytest

from . import pwa

pytestmark = pytest.mark.e2e


def test_closing_mid_sync_loses_and_duplicates_nothing(server, new_context, photos):
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "inspector")
    pwa.download(page)
    pwa.wait_for_service_worker(page)
    unit_id = server.get("inspector", "/api/projects/1/units").json()[12]["id"]

    ctx.set_offline(True)
    pwa.open_unit(page, server.base, unit_id)
    for i in range(3):
        pwa.log_defect(page, 0.2 + 0.25 * i, 0.6, "kg", "surface.hollow", f"中断同步 {i + 1}", photos[i])
    assert pwa.counts(page)["records"] == 3

    pushed = []

    def swallow_answer(route):
        # The request reaches the server and is applied; the page is closed before it hears back.
        response = route.fetch()
        pushed.append(json.loads(route.request.post_data)["mutations"])
        assert response.status == 200

    ctx.route("**/api/sync/push", swallow_answer)
    ctx.set_offline(False)
    deadline = 300
    while not pushed and deadline:
        page.wait_for_timeout(100)
        deadline -= 1
    assert pushed, "the sync never pushed"
    page.close()
    ctx.unroute("**/api/sync/push")

    on_server = [
        d for d in server.get("inspector", f"/api/defects?unit_id={unit_id}").json() if "中断同步" in d["description"]
    ]
    assert len(on_server) == 3  # applied, although the device never heard so

    replies = []
    page = ctx.new_page()
    page.on(
        "response",
        lambda r: replies.append(r.json()) if r.url.endswith("/api/sync/push") and r.status == 200 else None,
    )
    page.goto(server.base + "/")
    page.wait_for_selector("[data-sync-state]")
    pwa.wait_synced(page)

    assert [m["seq"] for m in replies[0]["results"]] == [m["seq"] for m in pushed[0]]  # the same seqs, again
    on_server = [
        d for d in server.get("inspector", f"/api/defects?unit_id={unit_id}").json() if "中断同步" in d["description"]
    ]
    assert sorted(d["description"] for d in on_server) == ["中断同步 1", "中断同步 2", "中断同步 3"]
    for d in on_server:
        assert len(d["photos"]) == 1
        assert server.get("inspector", f"/api/photos/{d['photos'][0]['sha256']}?size=thumb").status_code == 200
    assert pwa.local(page, "outbox") == [] and pwa.local(page, "photoQueue") == []
