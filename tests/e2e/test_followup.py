"""A crew member accepts (接单) a dispatched defect on the tablet, cannot mark it fixed without an
after-photo, and after the follow-up job runs finds the escalations in the inbox with an unread badge."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from . import pwa

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_crew_accepts_and_reads_the_inbox(server, new_context, tmp_path):
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "crew1")
    pwa.download(page, pwa.DEMO_PROJECT)
    mine = server.get("crew1", "/api/defects?status=assigned&per_page=1000").json()
    todo = next(d for d in mine if d["accepted_at"] is None)

    page.goto(f"{server.base}/#/d/{todo['id']}")
    page.wait_for_selector("[data-defect-detail]")
    page.wait_for_selector("[data-field=fix_due_at]")
    # No after-photo yet: the fix button takes the crew to the camera first (AfterPhoto), it cannot mark fixed.
    assert page.locator("[data-status-action=fix][data-action=after-photo]").count() == 1
    page.click("[data-status-action=accept]")
    # The click records the acceptance, then the next sync pass sends it: wait for the server to have it.
    deadline = time.monotonic() + 60
    while True:
        after = server.get("crew1", f"/api/defects/{todo['id']}").json()
        if after["accepted_at"] is not None or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    assert after["accepted_at"] is not None

    # The follow-up pass (as cron or serve.sh runs it) escalates the demo's overdue defects.
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "server.app", "followup", "run", "--no-deliver"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    pwa.sync_now(page, server.base)
    page.wait_for_selector("[data-inbox-badge]:not([data-inbox-badge='0'])", timeout=60_000)
    page.click(".inbox-btn")
    page.wait_for_selector("[data-message=overdue]")
    unread = int(page.locator("[data-inbox-badge]").get_attribute("data-inbox-badge"))
    page.click("[data-action=read-all]")
    page.wait_for_selector("[data-inbox-badge='0']")
    assert unread > 0
    # Read offline too: what was fetched stays on the device.
    ctx.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-message=overdue]")
