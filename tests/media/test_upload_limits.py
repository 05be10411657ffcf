"""Hostile uploads (issue 10): metadata floods, pixel bombs, memory, and parked upload sessions."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from domain.models import Photo, PhotoUpload, PhotoUploadChunk, utcnow
from media import images, uploads
from media.budget import MemoryBudget
from media.errors import MediaError
from media.settings import MediaSettings
from media.storage import Storage
from server.extensions import db
from server.photos import media
from tests.media import imagegen as g
from tests.media.conftest import Scene, blob_keys, put, sha


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records any parse of a header or decode by Pillow: a refusal must come before them."""
    calls: list[str] = []
    real_open, real_load = Image.open, Image.Image.load

    def spy_open(*args: Any, **kwargs: Any) -> Any:
        calls.append("open")
        return real_open(*args, **kwargs)

    def spy_load(self: Image.Image) -> Any:
        calls.append("load")
        return real_load(self)

    monkeypatch.setattr(images.Image, "open", spy_open)
    monkeypatch.setattr(Image.Image, "load", spy_load)
    return calls


def test_metadata_flood_refused_before_pillow_parses_it(
    client: FlaskClient, auth: Any, scene: Scene, storage: Storage, no_decoding: list[str]
) -> None:
    bomb = g.app1_bomb(600)  # 38 MB of APP1 segments: 21 s of CPU in Pillow's marker parser
    no_decoding.clear()
    for user in (scene.owner, scene.inspector):  # any role could send it; nobody gets it parsed
        with put(client, auth.headers(user), bomb) as r:
            assert r.status_code == 422, r.json
            assert "metadata" in r.json["message"]
    assert no_decoding == []
    assert blob_keys(storage) == []
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


@pytest.mark.parametrize(
    ("segments", "length", "max_bytes", "refused"),
    [(63, 60_000, 4_000_000, False), (64, 1_000, 4_000_000, True), (5, 65_533, 300_000, True)],
)
def test_metadata_caps_count_and_bytes(
    tmp_path: Path, segments: int, length: int, max_bytes: int, refused: bool
) -> None:
    settings = MediaSettings(max_metadata_segments=64, max_metadata_bytes=max_bytes, tmp_dir=str(tmp_path))
    path = tmp_path / "p.jpg"
    path.write_bytes(g.app1_bomb(segments, length))  # (plus its JFIF segment)
    if refused:
        with pytest.raises(MediaError) as exc:
            images.inspect(str(path), settings)
        assert exc.value.status == 422
    else:
        assert images.inspect(str(path), settings).mime == "image/jpeg"


def test_pixel_bomb_refused_from_the_header(
    client: FlaskClient, auth: Any, scene: Scene, storage: Storage, no_decoding: list[str]
) -> None:
    # 7,700 × 7,700 = 59 megapixels under the 60 MP limit: 386 MB to decode before. The memory it would
    # take is read from the header and refused; nothing is decoded.
    bomb = g.png_bomb(7_700, 7_700)
    no_decoding.clear()
    with put(client, auth.headers(scene.owner), bomb, mime="image/png") as r:
        assert r.status_code == 422, r.json
        assert "memory" in r.json["message"]
    assert "load" not in no_decoding
    assert blob_keys(storage) == []


def test_jpeg_decode_cost_counts_the_reduced_decode() -> None:
    settings = MediaSettings()
    # A 48-megapixel camera JPEG is decoded at 1/4 scale (still ≥ 1600 px): affordable.
    assert images.decode_cost("image/jpeg", (8000, 6000), "RGB", settings) == 2000 * 1500 * 3 * 2
    # The same pixels as a PNG cannot be decoded at a reduced scale.
    assert images.decode_cost("image/png", (8000, 6000), "RGB", settings) > settings.max_decode_bytes
    # A display-sized photo is decoded only for its thumbnail: at 1/4 scale.
    assert images.decode_cost("image/jpeg", (2048, 1536), "RGB", settings) == 512 * 384 * 3 * 2


def test_concurrent_decodes_stay_under_the_budget(tmp_path: Path) -> None:
    budget = MemoryBudget(100)
    held: list[int] = []
    gate = threading.Barrier(6)

    def use(amount: int) -> None:
        gate.wait()
        for _ in range(50):
            with budget.hold(amount):
                held.append(budget.used)

    threads = [threading.Thread(target=use, args=(a,)) for a in (60, 40, 30, 30, 20, 10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(held) <= 100 and budget.peak <= 100 and budget.used == 0
    with pytest.raises(ValueError), budget.hold(101):
        pass


def test_photos_rendered_together_share_one_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four large photos processed at once, with room for two decodes: never more than two at a time."""
    settings = MediaSettings(tmp_dir=str(tmp_path), decode_budget_bytes=2 * 2000 * 1500 * 3 * 2 + 1)
    paths = []
    for i in range(4):
        path = tmp_path / f"{i}.jpg"
        path.write_bytes(g.jpeg(3600, 2400, seed=i, exif=False))
        paths.append(str(path))
    pool = images.budget(settings.decode_budget_bytes)
    done: list[Any] = []
    threads = [threading.Thread(target=lambda p=p: done.append(images.process(p, settings))) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 4
    assert pool.peak <= settings.decode_budget_bytes and pool.used == 0


def start(client: FlaskClient, headers: dict[str, str], digest: str, size: int) -> Any:
    with client.post("/api/photos/uploads", json={"sha256": digest, "size": size}, headers=headers) as r:
        return r.status_code, r.json


def test_open_upload_sessions_are_capped_per_user(client: FlaskClient, auth: Any, scene: Scene) -> None:
    settings = media().settings
    owner = auth.headers(scene.owner)
    codes = [start(client, owner, f"{i:064x}", 1024 * 1024)[0] for i in range(settings.max_open_uploads + 1)]
    assert codes == [201] * settings.max_open_uploads + [429]
    # The same photo again is the same session, not a new one.
    assert start(client, owner, f"{0:064x}", 1024 * 1024)[0] == 201
    # Another user is not held up by this one.
    assert start(client, auth.headers(scene.inspector), f"{99:064x}", 1024 * 1024)[0] == 201


def test_open_upload_bytes_are_capped_per_user(client: FlaskClient, auth: Any, scene: Scene) -> None:
    settings = media().settings
    owner = auth.headers(scene.owner)
    big = settings.max_bytes
    assert settings.max_open_upload_bytes == 2 * big
    assert start(client, owner, f"{1:064x}", big)[0] == 201
    assert start(client, owner, f"{2:064x}", big)[0] == 201
    status, body = start(client, owner, f"{3:064x}", 1)
    assert status == 429, body


def test_abandoned_sessions_expire(client: FlaskClient, auth: Any, scene: Scene, storage: Storage) -> None:
    settings = media().settings
    owner = auth.headers(scene.owner)
    data = g.jpeg(400, 300)
    long_ago = utcnow() - settings.upload_ttl - timedelta(minutes=1)
    # Sessions left by a device a day ago, one with a chunk stored: they no longer count against the cap…
    for i in range(settings.max_open_uploads):
        uploads.start(db.session, settings, scene.owner.id, f"{i:064x}", len(data), "image/jpeg", now=long_ago)
    db.session.commit()
    status, body = start(client, owner, sha(data), len(data))
    assert status == 201, body
    with client.put(
        f"/api/photos/uploads/{body['upload_id']}",
        data=data[:1000],
        headers={**owner, "Upload-Offset": "0", "Content-Type": "application/octet-stream"},
    ) as r:
        assert r.status_code == 200
    db.session.execute(PhotoUpload.__table__.update().values(updated_at=long_ago))
    db.session.commit()
    assert any(k.startswith("uploads/") for k in blob_keys(storage))
    # …and the clean-up job removes them and what they stored.
    removed = uploads.expire(db.session, storage, settings, now=utcnow())
    assert removed == settings.max_open_uploads + 1
    assert db.session.scalar(select(func.count()).select_from(PhotoUpload)) == 0
    assert db.session.scalar(select(func.count()).select_from(PhotoUploadChunk)) == 0
    assert not any(k.startswith("uploads/") for k in blob_keys(storage))
    # A session still in use is kept.
    assert start(client, owner, sha(data), len(data))[0] == 201
    assert uploads.expire(db.session, storage, settings, now=utcnow()) == 0
