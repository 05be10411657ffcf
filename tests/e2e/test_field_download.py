"""A tablet ready for the field: a 10,000-defect project downloaded under Chromium's emulated Slow 4G
(DevTools protocol throttling), with a progress bar that shows the true total, then used with no network.
(The download time is a bench figure, bench/pwa_bench.py; here it is printed, not asserted.)"""

from __future__ import annotations

import time
from typing import Any

import pytest

from . import pwa

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DEFECTS = 10_000
# Chromium DevTools' "Slow 4G" preset (150 ms × 3.75 latency, 1.6 Mbit/s × 0.9 down, 750 kbit/s × 0.9 up).
SLOW_4G = {"offline": False, "latency": 562.5, "downloadThroughput": 180_000, "uploadThroughput": 84_375}

COUNT_PROJECT = """(pid) => new Promise((resolve, reject) => {
  const open = indexedDB.open('yanshou');
  open.onsuccess = () => {
    const req = open.result.transaction('defects').objectStore('defects').index('project_id').count(pid);
    req.onsuccess = () => { resolve(req.result); open.result.close(); };
    req.onerror = () => reject(req.error);
  };
  open.onerror = () => reject(open.error);
})"""


@pytest.fixture
def big_server(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Any:
    monkeypatch.setenv("E2E_BIG_PROJECT", str(DEFECTS))
    return request.getfixturevalue("server")


def test_a_10000_defect_project_downloads_under_slow_4g_and_works_offline(big_server, new_context):
    server = big_server
    project = next(p for p in server.get("inspector", "/api/projects").json() if p["code"] == "E2E-BIG")
    units = server.get("inspector", f"/api/projects/{project['id']}/units").json()
    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "inspector")
    pwa.wait_for_service_worker(page)
    api_calls: list[str] = []
    page.on("request", lambda r: api_calls.append(r.url.split(server.base, 1)[-1]) if "/api/" in r.url else None)

    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    card = page.locator(f"[data-project='{project['id']}']")
    start = time.monotonic()
    card.locator("button.secondary").click()
    # The bar knows the whole download from its first page: 10,000 defects, not a guess.
    page.wait_for_selector(f"progress[data-step=defects][max='{DEFECTS}']", timeout=60_000)
    # The units open while the rest arrives: the bar follows into the unit screen, which fills in page by page.
    unit = units[7]
    page.evaluate(f"location.hash = '/u/{unit['id']}'")
    page.wait_for_selector("[data-ready=unit]", timeout=60_000)
    page.wait_for_selector(f".downloadbar progress[data-step=defects][max='{DEFECTS}']", timeout=60_000)
    first = int(page.locator("[data-count]").get_attribute("data-count"))
    per_unit = DEFECTS // len(units)  # the bulk project spreads its defects evenly over the units
    assert first < per_unit  # the download is still under way
    page.wait_for_selector(f"[data-count='{per_unit}']", timeout=120_000)
    page.wait_for_selector(".downloadbar", state="detached", timeout=120_000)
    page.evaluate("location.hash = '/'")
    card.locator("[data-ready=offline]").wait_for(timeout=120_000)
    print(f"downloaded {DEFECTS} defects under emulated Slow 4G in {time.monotonic() - start:.1f} s")
    unthrottled = {**SLOW_4G, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", unthrottled)

    assert page.evaluate(COUNT_PROJECT, project["id"]) == DEFECTS
    # What the pull sent is what the device keeps: no second listing of the defects through REST.
    assert not [c for c in api_calls if c.startswith("/api/defects")]
    pulls = [c for c in api_calls if c.startswith("/api/sync/pull")]
    assert 1 <= len(pulls) <= DEFECTS // 1000 + 1

    ctx.set_offline(True)
    page.reload()  # no network: the shell from the service worker, the data from IndexedDB
    pwa.open_unit(page, server.base, unit["id"])
    shown = int(page.locator("[data-count]").get_attribute("data-count"))
    assert shown == per_unit
    pwa.log_defect(page, 0.3, 0.7, "kg", "surface.hollow", "离线新增：大项目")
    assert int(page.locator("[data-count]").get_attribute("data-count")) == shown + 1
    assert pwa.counts(page)["records"] == 1
