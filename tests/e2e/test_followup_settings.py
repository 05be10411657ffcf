"""A project manager changes a time limit (工程质量, grade B) in the PWA's follow-up settings, sees the change
in the history, then dispatches an open defect of that category and grade on the tablet: the server gives
it the new deadlines, and they come back to the device."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from . import pwa

pytestmark = pytest.mark.e2e
CELL = "工程质量|B"


def _wait(fetch: Any, ready: Any, what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        got = fetch()
        if ready(got):
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s: {got}")
        time.sleep(0.25)


def test_a_manager_changes_a_time_limit_and_the_next_dispatch_gets_it(server, new_context):
    pid = pwa.DEMO_PROJECT
    setup = server.get("manager", f"/api/projects/{pid}/followup").json()
    overridden = {t["type_id"] for t in setup["types"]}
    before = next(p for p in setup["policy"] if f"{p['category']}|{p['severity']}" == CELL)
    assert before["fix_minutes"] != 3 * 24 * 60
    candidates = server.get(
        "manager", "/api/defects", params={"status": "open", "category": "工程质量", "severity": "B", "per_page": 1000}
    ).json()
    target = next(d for d in candidates if d["type_id"] not in overridden)

    page = new_context().new_page()
    pwa.login(page, server.base, "manager")
    pwa.download(page, pid)
    page.click(f"[data-project='{pid}'] .card-main")
    page.click("[data-go=followup]")
    page.wait_for_selector("[data-ready=followup]", timeout=60_000)

    # Response: 90 minutes; fix: 3 days.
    response = page.locator(f"[data-duration='{CELL}|response']")
    response.locator("select[name=unit]").select_option("min")
    response.locator("input[name=value]").fill("90")
    fix = page.locator(f"[data-duration='{CELL}|fix']")
    fix.locator("select[name=unit]").select_option("d")
    fix.locator("input[name=value]").fill("3")
    page.click("[data-action=save-policy]")
    page.wait_for_selector("[data-editor=policy] [data-result=saved]", timeout=60_000)
    # The history names the change, from the old limit to the new one.
    line = page.locator("[data-change=policy] [data-change-line]", has_text="3 天").first
    line.wait_for(timeout=60_000)
    assert "7 天" in line.inner_text()

    saved = server.get("manager", f"/api/projects/{pid}/followup").json()
    row = next(p for p in saved["policy"] if f"{p['category']}|{p['severity']}" == CELL)
    assert (row["response_minutes"], row["fix_minutes"]) == (90, 3 * 24 * 60)

    # A refused value is worded in the app, and nothing is sent.
    fix.locator("input[name=value]").fill("1")
    fix.locator("select[name=unit]").select_option("min")
    page.click("[data-action=save-policy]")
    page.wait_for_selector(f"[data-cell='{CELL}'] [data-error=followup_fix_before_response]")
    page.click("[data-action=reset-policy]")

    # Dispatch the defect on the tablet.
    page.goto(f"{server.base}/#/d/{target['id']}")
    page.wait_for_selector("[data-defect-detail]", timeout=60_000)
    page.click("[data-status-action=assign]")
    page.locator("select[name=contractor]").select_option(index=1)
    clicked = datetime.now(UTC)
    page.click(".inline-form button.primary")
    dispatched = _wait(
        lambda: server.get("manager", f"/api/defects/{target['id']}").json(),
        lambda d: d["status"] == "assigned" and d["fix_due_at"],
        "the dispatch reaching the server",
    )
    arrived = datetime.now(UTC)
    fix_due, response_due = (datetime.fromisoformat(dispatched[k]) for k in ("fix_due_at", "response_due_at"))
    # Both are the dispatch time plus the new limits: 3 days to fix, 90 minutes to respond.
    assert fix_due - response_due == timedelta(days=3) - timedelta(minutes=90)
    assert clicked - timedelta(minutes=1) <= fix_due - timedelta(days=3) <= arrived + timedelta(minutes=1)

    # The deadlines come back to the device with the next pull.
    pwa.sync_now(page, server.base)
    local = _wait(
        lambda: pwa.local(page, "defects", target["id"]),
        lambda d: d and d.get("fix_due_at"),
        "the deadline reaching the device",
    )
    assert datetime.fromisoformat(local["fix_due_at"].replace("Z", "+00:00")) == datetime.fromisoformat(
        dispatched["fix_due_at"]
    )
    page.goto(f"{server.base}/#/d/{target['id']}")
    page.wait_for_selector("[data-field=fix_due_at]", timeout=60_000)
