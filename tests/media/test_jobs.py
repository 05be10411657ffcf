"""Image workers (issue 18): an upload is acknowledged before its derivatives exist; workers make them,
each photo once however many run, and a worker that dies mid-job leaves it to be retried."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.models import Photo, PhotoJob, utcnow
from media import images, jobs
from media.storage import Storage, photo_key
from server.extensions import db
from server.photos import media
from tests.media import imagegen as g
from tests.media.conftest import Scene, blob_keys, put, sha

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "MEDIA_DERIVATIVES": "worker"}


def _get(client: FlaskClient, headers: dict[str, str], digest: str, size: str) -> Any:
    with client.get(f"/api/photos/{digest}?size={size}", headers=headers) as r:
        return r.status_code, r.headers, r.get_data()


def work(clock: Any = utcnow) -> str | None:
    m = media()
    return jobs.work_one(db.session, m.storage, m.settings, clock=clock)


def test_upload_acknowledged_before_derivatives_exist(
    client: FlaskClient, auth: Any, scene: Scene, storage: Storage
) -> None:
    data = g.jpeg(2048, 1536, orientation=6)
    digest = sha(data)
    headers = auth.headers(scene.inspector)
    with put(client, headers, data) as r:
        assert r.status_code == 201, r.json
        assert r.json["derivatives"] == "pending"
        assert (r.json["width"], r.json["height"]) == (1536, 2048)  # from the header, upright
    assert blob_keys(storage) == [photo_key(digest)]  # the bytes, and nothing made from them yet
    assert db.session.scalar(select(func.count()).select_from(PhotoJob)) == 1
    for size in ("thumb", "display", "original"):
        status, hdrs, body = _get(client, headers, digest, size)
        assert status == 202 and hdrs["Retry-After"] and b"pending" in body
    with client.get(f"/api/photos/{digest}/info", headers=headers) as r:
        assert r.json["derivatives"] == "pending"
    # A signed URL made now answers 202 too, rather than a bucket's 404.
    with client.get(f"/api/photos/{digest}/url?size=thumb", headers=headers) as r:
        url = r.json["url"]
    assert url.startswith("/api/photos/")
    with client.get(url) as r:
        assert r.status_code == 202


def test_derivatives_appear_after_a_worker_runs(client: FlaskClient, auth: Any, scene: Scene, storage: Storage) -> None:
    small, large = g.jpeg(2048, 1536, seed=1, orientation=6), g.jpeg(3600, 2400, seed=2, exif=False)
    headers = auth.headers(scene.inspector)
    for data in (small, large):
        with put(client, headers, data) as r:
            assert r.status_code == 201
    assert {work(), work()} == {sha(small), sha(large)}
    assert work() is None
    assert db.session.scalar(select(func.count()).select_from(PhotoJob)) == 0
    db.session.expire_all()
    for data in (small, large):
        photo = db.session.get(Photo, sha(data))
        assert photo is not None and photo.derivatives == "ready" and photo.derivatives_at is not None
        status, _, thumb = _get(client, headers, sha(data), "thumb")
        assert status == 200 and max(Image.open(io.BytesIO(thumb)).size) == 320
    # The 2048 px photo is its own display copy (no second copy made); the 3600 px one gets one.
    assert photo_key(sha(small), "display") not in blob_keys(storage)
    assert photo_key(sha(large), "display") in blob_keys(storage)
    status, _, shown = _get(client, headers, sha(small), "display")
    assert status == 200
    with Image.open(io.BytesIO(shown)) as img:
        assert img.size == (2048, 1536) and img.getexif().get(0x0112) == 6  # turned by the viewer
        assert 0x8825 not in img.getexif()  # no GPS: it is the metadata-free copy
    status, _, shown = _get(client, headers, sha(large), "display")
    assert Image.open(io.BytesIO(shown)).size == (1600, 1067)
    # Mark-up renders over the display copy, upright.
    with client.get(f"/api/photos/{sha(small)}/annotated", headers=headers) as r:
        assert r.status_code == 200 and Image.open(io.BytesIO(r.get_data())).size == (1536, 2048)


def test_display_sized_jpeg_thumbnail_is_draft_decoded(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[tuple[int, int]] = []
    real_load = Image.Image.load

    def spy(self: Image.Image) -> Any:
        out = real_load(self)
        decoded.append(self.size)
        return out

    monkeypatch.setattr(Image.Image, "load", spy)
    path = tmp_path / "p.jpg"
    path.write_bytes(g.jpeg(2048, 1536, exif=False))
    decoded.clear()
    done = images.process(str(path), media_settings())
    assert done.display is None  # already display-sized
    assert max(Image.open(io.BytesIO(done.thumb)).size) == 320
    assert max(max(size) for size in decoded) <= 512  # decoded at 1/4 scale, never at 2048 px


def media_settings() -> Any:
    from media.settings import MediaSettings

    return MediaSettings()


@pytest.mark.committed  # two worker threads with sessions of their own must see the uploads
def test_two_workers_process_each_photo_once(
    app: Flask, client: FlaskClient, auth: Any, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = auth.headers(scene.inspector)
    shas = []
    for i in range(8):
        data = g.jpeg(640, 480, seed=10 + i)
        with put(client, headers, data) as r:
            assert r.status_code == 201
        shas.append(sha(data))
    made: Counter[str] = Counter()
    real_make = jobs.make

    def counting(storage: Storage, settings: Any, digest: str) -> Any:
        made[digest] += 1
        return real_make(storage, settings, digest)

    monkeypatch.setattr(jobs, "make", counting)
    m, engine = media(), db.engine
    gate = threading.Barrier(2)
    results: list[int] = []

    def worker() -> None:
        gate.wait()
        results.append(jobs.run(lambda: Session(engine), m.storage, m.settings, once=True))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 8
    assert made == Counter({s: 1 for s in shas})
    db.session.expire_all()
    assert all(p.derivatives == "ready" for p in db.session.scalars(select(Photo)))
    assert db.session.scalar(select(func.count()).select_from(PhotoJob)) == 0


def test_a_killed_workers_job_is_retried_and_nothing_is_lost(
    client: FlaskClient, auth: Any, scene: Scene, storage: Storage
) -> None:
    data = g.jpeg(1200, 900, seed=5)
    headers = auth.headers(scene.inspector)
    with put(client, headers, data) as r:
        assert r.status_code == 201
    m = media()
    now = utcnow()
    # A worker takes the job and dies before finishing it (its process is gone: nothing more happens).
    dead = jobs.claim(db.session, m.settings, now, "dead-worker")
    assert dead is not None and dead.sha256 == sha(data)
    # While its lease runs, nobody else takes the job…
    assert work(clock=lambda: now + m.settings.job_lease - timedelta(seconds=1)) is None
    # …and once it has run out, the next worker does.
    assert work(clock=lambda: now + m.settings.job_lease + timedelta(seconds=1)) == sha(data)
    db.session.expire_all()
    photo = db.session.get(Photo, sha(data))
    assert photo is not None and photo.derivatives == "ready"
    assert db.session.scalar(select(func.count()).select_from(PhotoJob)) == 0
    assert {photo_key(sha(data)), photo_key(sha(data), "thumb"), photo_key(sha(data), "clean")} <= set(
        blob_keys(storage)
    )
    # Had the first worker come back to life, its lease no longer counts: it records nothing twice.
    done = jobs.make(storage, m.settings, sha(data))
    assert jobs.finish(db.session, dead, done, utcnow()) is False
    assert _get(client, headers, sha(data), "thumb")[0] == 200


def test_a_job_gives_up_after_its_attempts(client: FlaskClient, auth: Any, scene: Scene) -> None:
    data = g.jpeg(640, 480, seed=6)
    with put(client, auth.headers(scene.inspector), data) as r:
        assert r.status_code == 201
    m = media()
    now = utcnow()
    for i in range(m.settings.job_max_attempts):
        assert jobs.claim(db.session, m.settings, now + i * (m.settings.job_lease + timedelta(seconds=1))) is not None
    later = now + m.settings.job_max_attempts * (m.settings.job_lease + timedelta(seconds=1))
    assert jobs.claim(db.session, m.settings, later) is None
    db.session.expire_all()
    job = db.session.scalar(select(PhotoJob))
    assert job is not None and job.state == "failed"
    assert db.session.get(Photo, sha(data)).derivatives == "failed"  # type: ignore[union-attr]


def test_a_damaged_file_is_acknowledged_then_marked_failed(client: FlaskClient, auth: Any, scene: Scene) -> None:
    data = g.truncated_jpeg()  # a whole header, half the scan: only a decode finds out
    headers = auth.headers(scene.inspector)
    with put(client, headers, data) as r:
        assert r.status_code == 201
    assert work() == sha(data)
    status, _, body = _get(client, headers, sha(data), "thumb")
    assert status == 404 and "processed" in body.decode()
    with client.get(f"/api/photos/{sha(data)}/info", headers=headers) as r:
        assert r.json["derivatives"] == "failed"


def test_pending_photo_is_still_out_of_reach_of_others(client: FlaskClient, auth: Any, scene: Scene) -> None:
    data = g.jpeg(640, 480, seed=8)
    with put(client, auth.headers(scene.inspector), data) as r:
        assert r.status_code == 201
    for user in (scene.owner, scene.crew, scene.outsider):
        assert _get(client, auth.headers(user), sha(data), "thumb")[0] == 404


@pytest.mark.committed  # the workers are processes of their own
@pytest.mark.parametrize("media_backend", ["local"])  # a named pipe holds the worker mid-job on local disk
def test_a_worker_process_killed_mid_job_leaves_it_to_the_next(
    app: Flask, client: FlaskClient, auth: Any, scene: Scene, storage: Storage, database_url: str, tmp_path: Any
) -> None:
    """A real `flask photos work` process is SIGKILLed while it holds a job; another process finishes it."""
    data = g.jpeg(1600, 1200, seed=21)
    digest = sha(data)
    with put(client, auth.headers(scene.inspector), data) as r:
        assert r.status_code == 201 and r.json["derivatives"] == "pending"
    # The stored original becomes a named pipe: the first worker claims the job, opens the original and
    # blocks there, mid-job, until something writes to the pipe — nothing will.
    original = Path(storage.local_path(photo_key(digest)) or "")
    original.unlink()
    os.mkfifo(original)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_BACKEND": "local",
        "MEDIA_ROOT": app.config["MEDIA_ROOT"],
        "INSTANCE_PATH": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    cmd = [sys.executable, "-m", "flask", "--app", "server.app", "photos", "work", "--poll", "0.1"]
    log = open(tmp_path / "workers.log", "wb")  # noqa: SIM115

    def job() -> PhotoJob | None:
        db.session.rollback()  # a fresh snapshot of what the workers committed
        return db.session.scalar(select(PhotoJob).where(PhotoJob.sha256 == digest))

    first = subprocess.Popen(cmd, cwd=ROOT, env={**env, "MEDIA_JOB_LEASE_SECONDS": "1"}, stdout=log, stderr=log)
    second = None
    try:
        claimed = _until(lambda: (j := job()) is not None and j.lease is not None)
        assert claimed, (tmp_path / "workers.log").read_text()
        first.kill()  # SIGKILL: no clean-up, the job stays leased
        assert first.wait(30) == -signal.SIGKILL
        held = job()
        assert held is not None and held.lease is not None
        assert db.session.get(Photo, digest).derivatives == "pending"  # type: ignore[union-attr]
        # The bytes are back (the disk came back, say); the next worker takes the job once the lease ran out.
        original.unlink()
        original.write_bytes(data)
        second = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
        assert _until(lambda: job() is None), (tmp_path / "workers.log").read_text()
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(30)
        log.close()
    db.session.rollback()
    photo = db.session.get(Photo, digest)
    assert photo is not None and photo.derivatives == "ready"
    assert {photo_key(digest, "thumb"), photo_key(digest, "clean")} <= set(blob_keys(storage))
    assert _get(client, auth.headers(scene.inspector), digest, "thumb")[0] == 200


def _until(condition: Any, timeout: float = 60.0) -> bool:
    """Poll what other processes committed until ``condition()`` holds (False after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
