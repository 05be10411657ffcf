"""A new version of the app: it installs in the background, never reloads a page that has unsynced
work, and takes over as soon as everything is synced (so no tablet stays on the old version)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from . import pwa

pytestmark = pytest.mark.e2e


@pytest.fixture
def served_dist(pwa_dist: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "dist"
    shutil.copytree(pwa_dist, copy)
    return copy


# Counts the page's requests to a waiting version to take over (sw-update.js activateWaiting), so the test
# sees the decision itself instead of waiting a while to see whether a reload happens.
RECORD_TAKEOVERS = """
window.__takeovers = 0;
const post = ServiceWorker.prototype.postMessage;
ServiceWorker.prototype.postMessage = function (message, ...rest) {
  if (message && message.type === 'SKIP_WAITING') window.__takeovers += 1;
  return post.call(this, message, ...rest);
};
"""


def version_of(dist: Path) -> str:
    return re.search(r"const VERSION = '([^']+)'", (dist / "sw.js").read_text()).group(1)


def test_update_waits_for_sync_then_takes_over(server, served_dist, new_context, photos):
    ctx = new_context()
    ctx.add_init_script(RECORD_TAKEOVERS)
    page = ctx.new_page()
    pwa.login(page, server.base, "inspector")
    pwa.download(page)
    pwa.wait_for_service_worker(page)
    old = version_of(served_dist)

    ctx.route("**/api/sync/push", lambda route: route.abort())  # the records cannot reach the server
    unit_id = server.get("inspector", "/api/projects/1/units").json()[7]["id"]
    pwa.open_unit(page, server.base, unit_id)
    pwa.log_defect(page, 0.4, 0.5, "kg", "surface.hollow", "更新前的记录", photos[3])
    page.evaluate("window.__sameDocument = true")

    sw = served_dist / "sw.js"
    sw.write_text(sw.read_text().replace(f"const VERSION = '{old}'", f"const VERSION = '{old}-next'"))
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.wait_for_selector("[data-notice=update]")  # the new version waits, and says so
    # The page decides when it shows that notice (main.jsx: onUpdateWaiting → maybeUpdate, in the same task),
    # so by now it has either asked the new version to take over or it never will while work is unsynced.
    assert page.evaluate("window.__takeovers") == 0, "the new version was told to take over with unsynced work"
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)")
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded with unsynced work"
    assert pwa.counts(page)["records"] == 1

    ctx.unroute("**/api/sync/push")
    with page.expect_event("load", timeout=60_000):  # synced → the new version takes over → one reload
        pwa.sync_now(page, server.base)
    page.wait_for_selector("[data-sync-state]")
    assert not page.evaluate("window.__sameDocument === true")
    keys = page.evaluate("caches.keys()")
    assert keys == [f"yanshou-shell-{old}-next"]  # the old version's cache was cleaned on activate
    pwa.wait_synced(page)
    mine = [
        d
        for d in server.get("inspector", f"/api/defects?unit_id={unit_id}").json()
        if d["description"] == "更新前的记录"
    ]
    assert len(mine) == 1
