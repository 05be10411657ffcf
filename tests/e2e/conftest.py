"""Browser tests: a real server process (SQLite, demo data) and Debian's Chromium driven by Playwright.

The PWA is built first when pwa/dist is missing or older than its sources (needs Node and npm).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PWA = ROOT / "pwa"
DIST = PWA / "dist"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET = {"width": 1024, "height": 768}
PASSWORD = "demo1234"


def _newest(paths: list[Path]) -> float:
    return max(
        (p.stat().st_mtime for base in paths for p in ([base] if base.is_file() else base.rglob("*"))), default=0
    )


def ensure_pwa_built() -> None:
    sources = [PWA / "src", PWA / "public", PWA / "index.html", PWA / "vite.config.js", PWA / "package.json"]
    built = DIST / "index.html"
    if built.exists() and built.stat().st_mtime >= _newest(sources):
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("pwa/dist is missing or stale and npm is not installed: cd pwa && npm ci && npm run build")
    if not (PWA / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PWA, check=True)
    subprocess.run([npm, "run", "build"], cwd=PWA, check=True)


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    ensure_pwa_built()
    return DIST


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, base: str):
        self.base = base
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            r = requests.post(
                f"{self.base}/api/auth/login", json={"username": username, "password": PASSWORD}, timeout=30
            )
            r.raise_for_status()
            self._tokens[username] = r.json()["token"]
        return self._tokens[username]

    def get(self, username: str, path: str, **kw: Any) -> requests.Response:
        return requests.get(
            f"{self.base}{path}", headers={"Authorization": f"Bearer {self.token(username)}"}, timeout=30, **kw
        )

    def send(self, username: str, method: str, path: str, json: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token(username)}"}
        return requests.request(method, f"{self.base}{path}", json=json, headers=headers, timeout=30)


@pytest.fixture
def served_dist(pwa_dist: Path) -> Path:
    """The built app the server serves (a test may serve a copy it changes)."""
    return pwa_dist


@pytest.fixture
def server(served_dist: Path, tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path / "instance"), "PWA_DIST": str(served_dist)}
    env.setdefault("MEDIA_DERIVATIVES", "inline")  # no image worker runs beside this server
    env.pop("DATABASE_URL", None)
    log = open(tmp_path / "server.log", "w+")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.serve", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if "READY" not in line:
            log.seek(0)
            pytest.fail(f"the e2e server did not start:\n{log.read()[-4000:]}")
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{base}/ping", timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        srv = Server(base)
        listed = srv.get("inspector", "/api/projects")
        if listed.status_code != 200:
            pytest.fail(
                f"GET /api/projects answers {listed.status_code} for the demo inspector; the PWA cannot list projects "
                f"(see docs/pwa-integration-notes.md): {listed.text[:300]}"
            )
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
        log.close()


@pytest.fixture(scope="session")
def _playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is needed for the e2e tests at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright: Any) -> Iterator[Any]:
    b = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


# Chromium's test camera (a moving pattern) and an automatic "allow" for the camera prompt.
FAKE_CAMERA_ARGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture(scope="session")
def camera_browser(_playwright: Any) -> Iterator[Any]:
    """A Chromium with a camera (the fake device), launched only by tests that use one."""
    b = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + FAKE_CAMERA_ARGS)
    yield b
    b.close()


def _report_browser_messages(page: Any) -> None:
    page.on("console", lambda m: print(f"[console {m.type}] {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: print(f"[page error] {e}"))
    page.on("requestfailed", lambda r: print(f"[request failed] {r.method} {r.url}: {r.failure}"))


def _context_maker(browser: Any, contexts: list[Any]) -> Any:
    def make(**kw: Any) -> Any:
        kw.setdefault("viewport", TABLET)  # a phone-sized test passes its own
        ctx = browser.new_context(**kw)
        # What the pages and the service worker report is printed, so a failing test shows it.
        ctx.on("page", _report_browser_messages)
        ctx.on("serviceworker", lambda worker: print(f"[sw] started {worker.url}"))
        contexts.append(ctx)
        return ctx

    return make


@pytest.fixture
def new_context(browser: Any) -> Iterator[Any]:
    contexts: list[Any] = []
    yield _context_maker(browser, contexts)
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def new_camera_context(camera_browser: Any) -> Iterator[Any]:
    """Contexts of the Chromium with a fake camera, the camera permission granted."""
    contexts: list[Any] = []
    make = _context_maker(camera_browser, contexts)
    yield lambda **kw: make(permissions=["camera"], **kw)
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def photos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Camera-sized JPEGs, each different, with EXIF orientation 6 (portrait held sideways)."""
    from PIL import Image, ImageDraw

    folder = tmp_path_factory.mktemp("photos")
    out = []
    for n in range(4):
        img = Image.new("RGB", (2400, 1800), (196, 188 - 20 * n, 170))
        d = ImageDraw.Draw(img)
        for i in range(0, 2400, 60 + 10 * n):
            d.line([(i, 0), (2400 - i, 1800)], fill=(80, 70, 60), width=5)
        exif = Image.Exif()
        exif[0x0112] = 6
        path = folder / f"camera-{n}.jpg"
        img.save(path, quality=92, exif=exif)
        out.append(path)
    return out
