"""What a person does in the PWA, as Playwright steps shared by the e2e tests."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout

DEMO_PROJECT = 1
SYNCED = "[data-sync-state=ok][data-pending-records='0'][data-pending-photos='0'][data-errors='0']"
# Everything sent and nothing refused, with conflicts left open for a person (the bar says so, not "all synced").
SYNCED_WITH_CONFLICTS = "[data-sync-state=conflict][data-pending-records='0'][data-pending-photos='0'][data-errors='0']"


def login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo1234")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-project]")


def download(page: Any, project_id: int = DEMO_PROJECT) -> None:
    card = page.locator(f"[data-project='{project_id}']")
    card.locator("button.secondary").click()
    card.locator("[data-ready=offline]").wait_for(timeout=60_000)


def wait_for_service_worker(page: Any) -> None:
    """The app shell is precached and this page is controlled: it will open with no network."""
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=30_000)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def open_unit(page: Any, base: str, unit_id: int) -> None:
    # The app has booted (its session and reference lists read from IndexedDB) before the route changes:
    # under load a reload can still be booting when the next step navigates.
    page.wait_for_selector("body[data-booted='1']", timeout=60_000)
    page.goto(f"{base}/#/u/{unit_id}")
    page.wait_for_selector("[data-ready=unit]", timeout=60_000)  # a large project loads from IndexedDB first


def tap_plan(page: Any, x: float, y: float) -> None:
    box = page.locator(".unit svg.plan").bounding_box()
    page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
    page.wait_for_selector(".defect-form")


def log_defect(page: Any, x: float, y: float, search: str, type_code: str, description: str, photo: Any = None) -> None:
    """Tap the plan, find the type by search, write the description, take a photo, save."""
    tap_plan(page, x, y)
    page.fill("input[name=type-search]", search)
    page.click(f"[data-type='{type_code}']")
    page.fill("textarea[name=description]", description)
    if photo is not None:
        page.set_input_files("input[name=photo]", str(photo))
        page.wait_for_selector("[data-prepared]", timeout=30_000)
    page.click("[data-action=save]")
    page.wait_for_selector("[data-ready=unit]", timeout=60_000)  # a large project loads from IndexedDB first


def wait_synced(page: Any, timeout: float = 60_000, conflicts: bool = False) -> None:
    page.wait_for_selector(f"{SYNCED}, {SYNCED_WITH_CONFLICTS}" if conflicts else SYNCED, timeout=timeout)


def sync_now(page: Any, base: str) -> None:
    page.goto(f"{base}/#/sync")
    page.click("[data-action=sync-now]")


def counts(page: Any) -> dict[str, int]:
    bar = page.locator("[data-sync-state]")
    return {
        "records": int(bar.get_attribute("data-pending-records")),
        "photos": int(bar.get_attribute("data-pending-photos")),
        "errors": int(bar.get_attribute("data-errors")),
    }


READ_STORE = """([store, key]) => new Promise((resolve, reject) => {
  const open = indexedDB.open('yanshou');
  open.onsuccess = () => {
    const db = open.result;
    const tx = db.transaction(store);
    const req = key === null ? tx.objectStore(store).getAll() : tx.objectStore(store).get(key);
    req.onsuccess = () => { resolve(req.result ?? null); db.close(); };
    req.onerror = () => reject(req.error);
  };
  open.onerror = () => reject(open.error);
})"""


def local(page: Any, store: str, key: Any = None) -> Any:
    """Read the PWA's IndexedDB: one record, or all of a store when key is None."""
    return page.evaluate(READ_STORE, [store, key])


def answer_open_items(page: Any) -> None:
    """Mark 合格 on every unanswered checklist item of the room shown. The list re-renders after each answer
    (the answer is stored, then the list reloads), so each click waits for a button that is still there."""
    pending = page.locator("li.check-item[data-result=''] [data-answer=pass]")
    while page.locator("li.check-item[data-result='']").count():
        try:
            pending.first.click(timeout=5_000)
        except PlaywrightTimeout:
            continue  # the row was answered and re-rendered under the click: look again
