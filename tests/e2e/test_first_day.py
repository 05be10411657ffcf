"""What a first-day inspector hits: the type found by the site word (渗水) with quick phrases for leaks, a
save that fails on the device shown and retried, a provisional number until the server numbers the defect,
a photo removed only after confirming, and a sync bar that never says 已全部同步 when the server cannot be
reached."""

from __future__ import annotations

import re

import pytest

from . import pwa

pytestmark = pytest.mark.e2e

BREAK_SAVES = """() => {
  window.__tx = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (names, mode) {
    if (mode === 'readwrite' && [].concat(names).includes('outbox')) {
      throw new DOMException('disk full', 'QuotaExceededError');
    }
    return window.__tx.apply(this, arguments);
  };
}"""
MEND_SAVES = "() => { IDBDatabase.prototype.transaction = window.__tx; }"


def test_first_day_inspector(server, new_context, photos):
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "inspector")
    pwa.download(page)
    unit_id = server.get("inspector", "/api/projects/1/units").json()[5]["id"]
    pwa.open_unit(page, server.base, unit_id)

    pwa.tap_plan(page, 0.3, 0.6)
    page.fill("input[name=type-search]", "渗水")
    page.wait_for_selector("[data-type='water.leak_bath']")
    assert page.locator("[data-type='surface.hollow']").count() == 0
    page.click("[data-type='water.leak_bath']")
    # Phrases for a leak, not the electrician's.
    page.wait_for_selector("[data-phrase='有渗水痕迹']")
    assert page.locator("[data-phrase='插座无电']").count() == 0
    page.click("[data-phrase='地面渗水至楼下']")
    assert page.input_value("textarea[name=description]") == "地面渗水至楼下"
    page.set_input_files("input[name=photo]", str(photos[0]))
    page.wait_for_selector("[data-prepared]", timeout=30_000)

    # The device cannot save (storage full): the form says so and stays usable.
    page.evaluate(BREAK_SAVES)
    page.click("[data-action=save]")
    alert = page.locator(".defect-form .error[role=alert]")
    alert.wait_for()
    assert "存储已满" in alert.inner_text()
    assert page.locator("[data-action=save]").is_enabled()
    page.evaluate(MEND_SAVES)
    page.click("[data-action=save]")
    page.wait_for_selector("[data-ready=unit]", timeout=60_000)

    row = page.locator(".defect-row", has_text="地面渗水至楼下")
    row.wait_for()
    defect_id = row.get_attribute("data-defect")
    pwa.wait_synced(page)
    numbered = server.get("inspector", f"/api/defects/{defect_id}").json()["number"]
    assert isinstance(numbered, int) and numbered > 1  # numbered after the demo's defects
    page.goto(f"{server.base}/#/d/{defect_id}")
    page.wait_for_selector(f"[data-defect-detail='{defect_id}'] [data-no]")
    assert page.locator("[data-defect-detail] h2 [data-no]").inner_text() == f"#{numbered}"

    # Removing a photo asks first; cancelling keeps it.
    cell = page.locator(".photo-strip .photo-cell").first
    cell.locator("[data-confirm-ask=remove-photo]").click()
    page.click("[data-confirm-no=remove-photo]")
    assert page.locator(".photo-strip .photo-cell").count() == 1
    cell.locator("[data-confirm-ask=remove-photo]").click()
    page.click("[data-confirm-yes=remove-photo]")
    page.wait_for_selector(".photo-strip .photo-cell", state="detached")

    # The server stops answering (the network is up): the bar says so, with what waits, never "all synced".
    ctx.route("**/api/**", lambda route: route.abort())
    page.fill("input[name=comment]", "楼下住户反映顶棚有水渍")
    page.click(".comment-form button")
    pwa.sync_now(page, server.base)
    bar = page.locator("[data-sync-state=unreachable]")
    bar.wait_for(timeout=60_000)
    assert re.search(r"\d+ 项待同步", bar.inner_text())
    assert "已全部同步" not in bar.inner_text()
    ctx.unroute("**/api/**")
    pwa.sync_now(page, server.base)
    pwa.wait_synced(page)
    assert "已全部同步" in page.locator("[data-sync-state=ok]").inner_text()
