"""业主邀请与到访 on the tablet: the manager prints a building's invitation letters (one PDF page per unit,
with the join link), then at the open day checks an owner in with no signal; after the network returns
the server has the check-in once and the round's 到访率 counts it."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from . import pwa

pytestmark = pytest.mark.e2e


def test_letters_printed_and_an_owner_checked_in_offline(server, new_context):
    inspections = server.get("manager", f"/api/projects/{pwa.DEMO_PROJECT}/inspections").json()
    open_day = next(i for i in inspections if i["kind"] == "open_day")
    units = server.get("manager", f"/api/projects/{pwa.DEMO_PROJECT}/units").json()
    building = units[0]["building_id"]
    in_building = [u for u in units if u["building_id"] == building]

    ctx = new_context(accept_downloads=True)
    page = ctx.new_page()
    pwa.login(page, server.base, "manager")
    pwa.download(page, pwa.DEMO_PROJECT)
    pwa.wait_for_service_worker(page)
    page.goto(f"{server.base}/#/p/{pwa.DEMO_PROJECT}")
    page.click("[data-go=owners]")
    page.wait_for_selector(".owners")
    page.select_option("select[name=attendance_round]", open_day["id"])
    page.wait_for_selector(f".owners[data-round='{open_day['id']}']")
    page.select_option("select[name=attendance_building]", str(building))
    page.wait_for_selector(f"[data-unit='{in_building[-1]['id']}']", timeout=60_000)

    with page.expect_download(timeout=120_000) as got:
        page.click("[data-action=building-letters]")
    pdf = Path(got.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(in_building)
    text = reader.pages[0].extract_text()
    assert "业主邀请函" in text and open_day["name"] in text and "#/join?code=" in text.replace("\n", "")
    page.wait_for_selector("[data-letters-message]")

    unit = in_building[-1]["id"]
    ctx.set_offline(True)
    page.click(f"[data-unit='{unit}'] [data-action=check-in]")
    page.wait_for_selector(f"[data-unit='{unit}'][data-checked-in='1']")
    page.wait_for_selector("[data-sync-state][data-pending-records='1']")  # queued on the tablet
    ctx.set_offline(False)
    pwa.wait_synced(page)

    deadline = time.monotonic() + 60
    while True:
        att = server.get("manager", f"/api/inspections/{open_day['id']}/attendance").json()
        row = next(u for u in att["units"] if u["unit_id"] == unit)
        if row["checked_in_at"] or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    assert row["method"] == "staff" and row["letter"] is True
    assert att["round"]["attended"] >= 1 and att["round"]["invited"] >= len(in_building)
    # The screen's rate counts it once the server has it (the round's list is fetched again after the sync).
    page.wait_for_selector(".attendance:not([data-attended='0']):not([data-attended=''])", timeout=60_000)
