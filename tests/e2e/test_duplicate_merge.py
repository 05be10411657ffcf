"""Issue 16, done when: a duplicate logged by a second inspector is merged with its photos. One inspector's
tablet has logged a hollow wall; a second inspector logs the same spot with a photo (her form offers
可能重复, she logs it anyway); the server flags the pair as it arrives, the manager's dispatch desk shows
疑似重复 with its count and the defect its badge, and the merge keeps the first record with the photo."""

from __future__ import annotations

import uuid

import pytest

from sync.hlc import Clock

from . import pwa

pytestmark = pytest.mark.e2e


def test_duplicate_from_a_second_tablet_is_flagged_and_merged_with_its_photo(server, new_context, photos):
    pid = pwa.DEMO_PROJECT
    unit = server.get("inspector", f"/api/projects/{pid}/units").json()[9]
    types = [t for area in server.get("inspector", "/api/defect-library").json() for t in area["types"]]
    hollow = next(t for t in types if t["code"] == "surface.hollow")
    first, other_tablet = str(uuid.uuid4()), str(uuid.uuid4())
    create = {"id": first, "unit_id": unit["id"], "type_id": hollow["id"], "pin_x": 0.3, "pin_y": 0.6,
              "description": "客厅墙面空鼓"}  # fmt: skip
    m = {"seq": 1, "hlc": Clock(other_tablet).tick(), "name": "defect.create", "args": create}
    r = server.send("inspector2", "POST", "/api/sync/push", {"device_id": other_tablet, "mutations": [m]})
    assert r.json()["results"][0]["status"] == "applied"
    assert server.get("manager", f"/api/projects/{pid}/duplicates").json() == []

    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "inspector")
    pwa.download(page, pid)
    pwa.open_unit(page, server.base, unit["id"])
    pwa.tap_plan(page, 0.335, 0.62)  # beside its pin (not on it), well within 可能重复 distance
    page.fill("input[name=type-search]", "kg")
    page.click("[data-type='surface.hollow']")
    page.wait_for_selector(f".duplicate-box [data-duplicate='{first}']")  # 可能重复, offline from the download
    page.click("[data-action=not-duplicate]")
    page.fill("textarea[name=description]", "墙面空鼓，敲击有空鼓声")
    page.set_input_files("input[name=photo]", str(photos[0]))
    page.wait_for_selector("[data-prepared]", timeout=30_000)
    page.click("[data-action=save]")
    page.wait_for_selector("[data-ready=unit]", timeout=60_000)
    pwa.wait_synced(page)  # online: the save is pushed at once
    [made] = [d for d in pwa.local(page, "defects") if d["description"] == "墙面空鼓，敲击有空鼓声"]
    second, sha = made["id"], made["photos"][0]["sha256"]

    # Flagged by the push that brought the second one, before anyone asked.
    listed = server.get("manager", f"/api/projects/{pid}/duplicates").json()
    assert [(s["defect_id"], s["duplicate_of_id"], s["reason"]) for s in listed] == [(second, first, "near")]

    mctx = new_context()
    desk = mctx.new_page()
    pwa.login(desk, server.base, "manager")
    pwa.download(desk, pid)
    desk.goto(f"{server.base}/#/p/{pid}/tasks")
    desk.wait_for_selector("[data-action=duplicates][data-count='1']", timeout=60_000)
    desk.goto(f"{server.base}/#/d/{second}")
    desk.click("[data-suspected]", timeout=60_000)  # the 疑似重复 badge on the defect
    desk.wait_for_selector(f"[data-pair='{second}']", timeout=60_000)
    desk.click(f"[data-pair='{second}'] [data-action=merge]")
    desk.wait_for_selector("section.duplicates[data-pairs='0']")
    pwa.wait_synced(desk)

    dup = server.get("manager", f"/api/defects/{second}").json()
    kept = server.get("manager", f"/api/defects/{first}").json()
    assert dup["status"] == "void" and kept["status"] == "open"
    assert sha in {p["sha256"] for p in kept["photos"]}
    assert server.get("manager", f"/api/projects/{pid}/duplicates").json() == []
    desk.goto(f"{server.base}/#/p/{pid}/tasks")
    desk.wait_for_selector("[data-action=duplicates][data-count='0']", timeout=60_000)
