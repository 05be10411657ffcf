"""Safari's engine too: the inspector's offline day in WebKit (WebKitGTK's MiniBrowser driven through
WebKitWebDriver by Selenium, on a virtual screen). Log in, download the demo project, the server goes away,
log a defect with a photo, reload the app with no server, the server comes back: the defect and its photo
reach it exactly once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from .conftest import PASSWORD, ROOT, _free_port

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    # Selenium's WebKitGTK driver still builds its connection the deprecated way (its own warning).
    pytest.mark.filterwarnings("ignore:setting remote_server_addr:DeprecationWarning"),
]

MINIBROWSER = os.environ.get("MINIBROWSER", "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
WEBDRIVER = shutil.which("WebKitWebDriver") or "/usr/bin/WebKitWebDriver"
XVFB = shutil.which("Xvfb") or "/usr/bin/Xvfb"


class AppServer:
    """The e2e server as a process that can be stopped and started again on the same port and database."""

    def __init__(self, instance: Path, dist: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "INSTANCE_PATH": str(instance), "PWA_DIST": str(dist), "MEDIA_DERIVATIVES": "inline"}
        self.env.pop("DATABASE_URL", None)
        self.log = open(instance.parent / "server.log", "a")  # noqa: SIM115 - closed in stop()
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.serve", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        assert self.proc.stdout is not None
        assert "READY" in self.proc.stdout.readline(), "the e2e server did not start"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
            if self.proc.stdout:
                self.proc.stdout.close()
            self.proc = None

    def get(self, path: str) -> requests.Response:
        token = requests.post(
            f"{self.base}/api/auth/login", json={"username": "inspector", "password": PASSWORD}, timeout=30
        ).json()["token"]
        return requests.get(f"{self.base}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=30)


@pytest.fixture
def display() -> Iterator[str]:
    if not (Path(MINIBROWSER).exists() and Path(WEBDRIVER).exists() and Path(XVFB).exists()):
        pytest.fail("WebKit tests need webkit2gtk-driver and xvfb (apt-get install webkit2gtk-driver xvfb)")
    number = f":{90 + os.getpid() % 400}"
    proc = subprocess.Popen([XVFB, number, "-screen", "0", "1280x900x24", "-nolisten", "tcp"])
    socket = Path(f"/tmp/.X11-unix/X{number[1:]}")
    deadline = time.monotonic() + 30
    while not socket.exists():  # the display accepts clients once its socket is there
        assert proc.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    yield number
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def webkit(display: str, tmp_path: Path) -> Iterator[Any]:
    from selenium import webdriver

    opts = webdriver.WebKitGTKOptions()
    opts.binary_location = MINIBROWSER
    opts.add_argument("--automation")
    service = webdriver.WebKitGTKService(
        executable_path=WEBDRIVER,
        env={**os.environ, "DISPLAY": display, "HOME": str(tmp_path)},  # a profile of its own
    )
    driver = webdriver.WebKitGTK(options=opts, service=service)
    driver.set_window_size(1024, 768)
    yield driver
    driver.quit()


def wait(driver: Any, condition: Callable[[], Any], seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        try:
            found = condition()
            if found:
                return found
        except Exception:  # noqa: BLE001 - the page may be re-rendering under the lookup
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {seconds} s; page: {driver.current_url}")
        time.sleep(0.1)


def css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def sync_state(driver: Any) -> dict[str, str]:
    bar = css(driver, "[data-sync-state]")[0]
    return {k: bar.get_attribute(f"data-{k}") for k in ("sync-state", "pending-records", "pending-photos", "errors")}


def test_inspector_offline_day_in_webkit(pwa_dist: Path, tmp_path: Path, webkit: Any, photos: list[Path]) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    instance = tmp_path / "instance"
    app = AppServer(instance, pwa_dist)
    app.start()
    try:
        units = app.get("/api/projects/1/units").json()
        unit_id = units[5]["id"]
        driver = webkit
        driver.get(app.base + "/")
        # The app has booted (the login form it renders is the one that stays) before anything is typed.
        wait(driver, lambda: css(driver, "body[data-booted='1'] input[name=username]"), 120)

        def typed(name: str, value: str) -> bool:
            field = css(driver, f"input[name={name}]")[0]
            if field.get_attribute("value") != value:
                field.clear()
                field.send_keys(value)
            return bool(field.get_attribute("value") == value)

        wait(driver, lambda: typed("username", "inspector") and typed("password", PASSWORD))
        css(driver, "button[type=submit]")[0].click()
        card = wait(driver, lambda: css(driver, "[data-project='1']"), 120)[0]
        card.find_element("css selector", "button.secondary").click()
        wait(driver, lambda: css(driver, "[data-project='1'] [data-ready=offline]"), 120)
        wait(
            driver,
            lambda: driver.execute_script("return !!(navigator.serviceWorker && navigator.serviceWorker.controller)"),
        )

        app.stop()  # the server is unreachable from here on
        driver.get(f"{app.base}/#/u/{unit_id}")
        driver.refresh()  # the shell from the service worker, the data from IndexedDB
        wait(driver, lambda: css(driver, "[data-ready=unit]"), 60)
        before = int(css(driver, "[data-count]")[0].get_attribute("data-count"))
        plan = css(driver, ".unit svg.plan")[0]
        size = plan.size
        ActionChains(driver).move_to_element_with_offset(
            plan, int(size["width"] * 0.1), int(size["height"] * 0.2)
        ).click().perform()
        wait(driver, lambda: css(driver, ".defect-form"))
        css(driver, "input[name=type-search]")[0].send_keys("裂缝")
        wait(driver, lambda: css(driver, "[data-type='surface.crack']"))[0].click()
        css(driver, "textarea[name=description]")[0].send_keys("WebKit 离线记录")
        css(driver, "input[name=photo]")[0].send_keys(str(photos[0]))
        wait(driver, lambda: css(driver, "[data-prepared]"), 60)
        css(driver, "[data-action=save]")[0].click()
        wait(driver, lambda: css(driver, "[data-ready=unit]"), 60)
        wait(driver, lambda: css(driver, f"[data-count='{before + 1}']"))
        state = sync_state(driver)
        assert (state["pending-records"], state["pending-photos"]) == ("1", "1")
        assert state["sync-state"] != "ok"  # never 已全部同步 while work waits and the server is away

        driver.refresh()  # still no server: the defect waits in the outbox across a reload
        wait(driver, lambda: css(driver, f"[data-ready=unit] [data-count='{before + 1}'], [data-count='{before + 1}']"))
        assert sync_state(driver)["pending-records"] == "1"

        app.start()  # the server is back: the next sync sends the outbox
        driver.get(f"{app.base}/#/sync")
        wait(driver, lambda: css(driver, "[data-action=sync-now]"))[0].click()
        synced = "[data-sync-state=ok][data-pending-records='0'][data-pending-photos='0'][data-errors='0']"
        wait(driver, lambda: css(driver, synced), 120)

        found = [
            d
            for d in app.get(f"/api/defects?unit_id={unit_id}&per_page=1000").json()
            if d["description"] == "WebKit 离线记录"
        ]
        assert len(found) == 1  # exactly once
        assert len(found[0]["photos"]) == 1
        assert app.get(f"/api/photos/{found[0]['photos'][0]['sha256']}?size=original").status_code == 200
    finally:
        app.stop()
        app.log.close()
