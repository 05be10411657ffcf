"""The homeowner on a phone-sized screen (390×844): two items of their unit were repaired; they confirm
one (业主确认) and dispute the other with a reason (业主异议), and the server has the first closed and the
second back at re-check with the owner's reason and the managers told."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from sync.hlc import Clock

from . import pwa

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
AFTER = "c" * 64  # the crew's after-photo (its bytes are not needed to mark the repair done)


def _repair(server: Any, defect_ids: list[str]) -> None:
    """The manager dispatches, the crew's repair is recorded with an after-photo: both items await the owner."""
    contractor = server.get("manager", "/api/contractors").json()[0]["id"]
    device = str(uuid.uuid4())
    clock = Clock(device)
    mutations: list[dict[str, Any]] = []
    for d in defect_ids:
        for name, args in (
            ("defect.status", {"action": "assign", "from": "open", "contractor_id": contractor}),
            ("defect.status", {"action": "accept", "from": "assigned"}),
            ("defect.photo_add", {"sha256": AFTER, "kind": "after"}),
            ("defect.status", {"action": "fix", "from": "assigned"}),
        ):
            mutations.append({"seq": len(mutations) + 1, "hlc": clock.tick(), "name": name, "args": {"id": d, **args}})
    res = server.send("manager", "POST", "/api/sync/push", {"device_id": device, "mutations": mutations})
    assert res.status_code == 200, res.text
    assert {r["status"] for r in res.json()["results"]} == {"applied"}, res.json()


def _wait_for(server: Any, defect_id: str, check: Any) -> dict[str, Any]:
    """The owner's taps are recorded, then the next sync pass sends them: wait for the server to have them."""
    deadline = time.monotonic() + 60
    while True:
        d = server.get("manager", f"/api/defects/{defect_id}").json()
        if check(d) or time.monotonic() > deadline:
            return d
        time.sleep(0.25)


def test_owner_confirms_one_repair_and_disputes_another_on_a_phone(server, new_context):
    mine = [d for d in server.get("owner", "/api/defects?status=open&per_page=200").json() if d["owner_raised"]]
    assert len(mine) >= 2, "the demo owner has items of their own to follow"
    confirmed, disputed = mine[0]["id"], mine[1]["id"]
    _repair(server, [confirmed, disputed])

    ctx = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    pwa.login(page, server.base, "owner")
    # Download the project for their unit; as soon as its reference data is stored, the home screen becomes
    # 我的房屋 (the project card goes away), so wait for the two items on the device, then open it afresh.
    page.locator(f"[data-project='{pwa.DEMO_PROJECT}'] button.secondary").click()
    deadline = time.monotonic() + 60
    while not all((pwa.local(page, "defects", d) or {}).get("status") == "fixed" for d in (confirmed, disputed)):
        assert time.monotonic() < deadline, "the owner's items did not reach the phone"
        page.wait_for_timeout(250)
    page.reload()
    page.wait_for_selector(f"[data-defect='{confirmed}'][data-status=fixed]", timeout=60_000)
    assert page.evaluate("window.innerWidth") == 390
    # Plain words, not status codes: the repaired items wait for the owner.
    assert (
        page.locator(f"[data-defect='{confirmed}'] [data-progress-word]").get_attribute("data-progress-word")
        == "own_confirm"
    )

    page.click(f"[data-defect='{confirmed}'] [data-action=confirm]")
    page.wait_for_selector(f"[data-defect='{confirmed}'][data-status=closed]", timeout=60_000)
    page.click(f"[data-defect='{disputed}'] [data-action=dispute]")
    page.fill(f"[data-defect='{disputed}'] textarea[name=dispute_reason]", "卫生间地漏周围仍然积水")
    page.click(f"[data-defect='{disputed}'] [data-action=send-dispute]")
    pwa.wait_synced(page)

    after_confirm = _wait_for(server, confirmed, lambda d: d["status"] == "closed")
    assert after_confirm["status"] == "closed"
    after_dispute = _wait_for(
        server, disputed, lambda d: any(h["action"] == "note" and "积水" in str(h["new"]) for h in d["history"])
    )
    assert after_dispute["status"] == "fixed"  # back to re-check
    notes = [h["new"] for h in after_dispute["history"] if h["action"] == "note"]
    assert notes == ["卫生间地漏周围仍然积水"]
    told = server.get("manager", "/api/inbox?limit=200").json()
    assert any(m["kind"] == "disputed" and m["defect_id"] == disputed and "积水" in m["body"] for m in told)
