"""The crew's after-photo: the before-photo ghosted over the live camera (Chromium's fake camera), an opacity
slider, the captured frame attached as the after-photo, the defect marked fixed — offline, then one sync.
Where the browser has no live camera, the before-photo is shown beside the ordinary camera button. A crew's
offline day of five fixes, re-checked by the inspector in 待复验 (four pass, one fails and comes back)."""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any

import pytest
import requests

from . import pwa

pytestmark = pytest.mark.e2e


def _hlc(device: str) -> str:
    return f"{int(time.time() * 1000):013d}:00000:{device}"


def give_before_photo(server: Any, photo_path: Any, index: int = 0) -> dict[str, Any]:
    """A crew1 defect still to fix, with a before-photo (the manager uploads and attaches one more)."""
    mine = server.get("crew1", "/api/defects?status=assigned&per_page=1000").json()
    target = mine[index]
    data = photo_path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    put = requests.put(
        f"{server.base}/api/photos/{sha}",
        data=data,
        headers={"Authorization": f"Bearer {server.token('manager')}", "Content-Type": "image/jpeg"},
        timeout=60,
    )
    assert put.status_code in (200, 201), put.text
    device = str(uuid.uuid4())
    add = {"id": target["id"], "sha256": sha, "kind": "before"}
    body = {
        "device_id": device,
        "mutations": [{"seq": 1, "hlc": _hlc(device), "name": "defect.photo_add", "args": add}],
    }
    pushed = server.send("manager", "POST", "/api/sync/push", body)
    assert pushed.status_code == 200 and pushed.json()["results"][0]["status"] == "applied", pushed.text
    # The before-photo the camera shows is the defect's first (the demo's drawn one when it has one).
    photos = server.get("crew1", f"/api/defects/{target['id']}").json()["photos"]
    return {**target, "before": next(p["sha256"] for p in photos if p["kind"] != "after")}


def wait_on_server(server: Any, defect_id: str, ok: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        d = server.get("crew1", f"/api/defects/{defect_id}").json()
        if ok(d) or time.monotonic() > deadline:
            return d
        time.sleep(0.25)


def test_after_photo_over_the_live_camera_offline_then_synced(server, new_camera_context, photos):
    target = give_before_photo(server, photos[0])
    ctx = new_camera_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "crew1")
    pwa.download(page)
    pwa.wait_for_service_worker(page)
    ctx.set_offline(True)

    # From 我的任务, the fix button opens the camera.
    page.goto(f"{server.base}/#/p/{pwa.DEMO_PROJECT}/tasks")
    row = page.locator(f".task[data-defect='{target['id']}']")
    while not row.count() and page.locator("[data-action=show-more]").count():
        page.click("[data-action=show-more]")
    row.locator("[data-action=fix]").click()
    page.wait_for_selector("[data-camera=live] video[data-live-camera]", timeout=60_000)
    page.wait_for_function(
        "() => { const v = document.querySelector('video[data-live-camera]'); return v && v.videoWidth > 0; }",
        timeout=60_000,
    )
    # The before-photo lies over the camera view, half transparent, from the local copy (offline).
    ghost = page.locator("img[data-ghost]")
    ghost.wait_for(timeout=60_000)
    assert ghost.get_attribute("data-sha") == target["before"]
    assert float(ghost.evaluate("e => getComputedStyle(e).opacity")) == pytest.approx(0.4)
    stage = page.locator(".camera-stage").bounding_box()
    box = ghost.bounding_box()
    assert box["width"] == pytest.approx(stage["width"], abs=2)
    assert box["height"] == pytest.approx(stage["height"], abs=2)
    page.locator("input[name=ghost]").evaluate(
        "e => { e.value = '70'; e.dispatchEvent(new Event('input', { bubbles: true })); }"
    )
    assert float(ghost.evaluate("e => getComputedStyle(e).opacity")) == pytest.approx(0.7)

    assert page.locator("[data-action=mark-fixed]").is_disabled()  # no after-photo yet
    page.click("[data-action=capture]")
    page.wait_for_selector("[data-after-count='1']", timeout=60_000)
    local = pwa.local(page, "defects", target["id"])
    after = [p for p in local["photos"] if p["kind"] == "after"]
    assert len(after) == 1 and after[0]["sha256"] != target["before"]
    page.click("[data-action=mark-fixed]")
    page.wait_for_selector(f"[data-defect-detail='{target['id']}'] [data-status=fixed]", timeout=60_000)
    assert pwa.counts(page)["records"] >= 2  # photo and fix wait for the network

    ctx.set_offline(False)
    pwa.wait_synced(page)
    on_server = wait_on_server(server, target["id"], lambda d: d["status"] == "fixed")
    assert on_server["status"] == "fixed"
    assert [p["sha256"] for p in on_server["photos"] if p["kind"] == "after"] == [after[0]["sha256"]]


def test_without_a_live_camera_the_before_photo_is_shown_beside_the_camera_button(server, new_context, photos):
    target = give_before_photo(server, photos[1])
    ctx = new_context()
    # A browser that cannot stream the camera into the page (as some WebViews): only the file input is left.
    ctx.add_init_script("Object.defineProperty(navigator, 'mediaDevices', { value: undefined, configurable: true })")
    page = ctx.new_page()
    pwa.login(page, server.base, "crew1")
    pwa.download(page)
    page.goto(f"{server.base}/#/d/{target['id']}/after")
    side = page.locator("[data-side-by-side]")
    side.wait_for(timeout=60_000)
    side.locator(f"img[data-sha='{target['before']}']").wait_for(timeout=60_000)
    assert page.locator("[data-live-camera]").count() == 0
    assert side.locator("input[name=photo][capture]").count() == 1
    page.set_input_files("input[name=photo]", str(photos[2]))
    page.wait_for_selector("[data-after-count='1']", timeout=60_000)
    page.click("[data-action=mark-fixed]")
    pwa.wait_synced(page)
    assert wait_on_server(server, target["id"], lambda d: d["status"] == "fixed")["status"] == "fixed"


def find_task(page: Any, defect_id: str) -> Any:
    """The board row of a defect, showing more of the list until it is there."""
    row = page.locator(f".task[data-defect='{defect_id}']")
    while not row.count() and page.locator("[data-action=show-more]").count():
        page.click("[data-action=show-more]")
    return row


def test_a_crews_offline_day_then_the_inspectors_recheck(server, new_camera_context, new_context, photos):
    """Five defects fixed offline with after-photos, one sync; the inspector passes four in 待复验 and fails
    one with a reason; the failed one is back on the crew's list with its repeat count."""
    targets = [give_before_photo(server, photos[i % len(photos)], index=i) for i in range(5)]
    crew_ctx = new_camera_context()
    crew = crew_ctx.new_page()
    pwa.login(crew, server.base, "crew1")
    pwa.download(crew)
    pwa.wait_for_service_worker(crew)
    crew_ctx.set_offline(True)
    for target in targets:
        crew.goto(f"{server.base}/#/d/{target['id']}/after")
        crew.wait_for_function(
            "() => { const v = document.querySelector('video[data-live-camera]'); return v && v.videoWidth > 0; }",
            timeout=60_000,
        )
        crew.click("[data-action=capture]")
        crew.wait_for_selector("[data-after-count='1']", timeout=60_000)
        crew.click("[data-action=mark-fixed]")
        crew.wait_for_selector(f"[data-defect-detail='{target['id']}'] [data-status=fixed]", timeout=60_000)
    crew_ctx.set_offline(False)
    pwa.wait_synced(crew)
    for target in targets:
        assert wait_on_server(server, target["id"], lambda d: d["status"] == "fixed")["status"] == "fixed"

    inspector = new_context().new_page()
    pwa.login(inspector, server.base, "inspector")
    pwa.download(inspector)
    inspector.goto(f"{server.base}/#/p/{pwa.DEMO_PROJECT}/tasks")
    inspector.wait_for_selector("[data-board=inspector] .task")
    for target in targets[:4]:
        find_task(inspector, target["id"]).locator("[data-action=pass]").click()
        inspector.wait_for_selector(f".task[data-defect='{target['id']}']", state="detached")
    failed = targets[4]
    row = find_task(inspector, failed["id"])
    row.locator("[data-action=fail]").click()
    row.locator("textarea[name=reason]").fill("阴角处仍有空鼓")
    row.locator("[data-action=send-reason]").click()
    inspector.wait_for_selector(f".task[data-defect='{failed['id']}']", state="detached")
    pwa.wait_synced(inspector)
    statuses = [server.get("manager", f"/api/defects/{t['id']}").json() for t in targets]
    assert [d["status"] for d in statuses] == ["closed"] * 4 + ["assigned"]
    assert statuses[4]["repeat_count"] == 1

    pwa.sync_now(crew, server.base)
    pwa.wait_synced(crew)
    crew.goto(f"{server.base}/#/p/{pwa.DEMO_PROJECT}/tasks")
    crew.wait_for_selector("[data-board=crew] .task")
    back = find_task(crew, failed["id"])
    back.wait_for()
    assert "返修 1 次" in back.inner_text()
    for target in targets[:4]:
        assert find_task(crew, target["id"]).count() == 0
