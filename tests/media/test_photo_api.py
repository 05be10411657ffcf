"""Uploading and reading photos over HTTP, on SQLite and PostgreSQL, with local disk and with S3."""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, ImageOps
from sqlalchemy import func, select

from domain.models import Photo, PhotoUploader
from media.storage import Storage, photo_key
from server.extensions import db
from tests.media import imagegen as g
from tests.media.conftest import Scene, blob_keys, put, sha, temp_files

VARIANTS = ("original", "clean", "thumb")  # display-sized photos are their own display copy


def photo_rows() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Photo)) or 0)


def image_of(response: Any) -> Image.Image:
    with Image.open(io.BytesIO(response.data)) as img:
        img.load()
        return img.copy()


def test_upload_is_idempotent_and_stored_once(client: FlaskClient, auth: Any, scene: Scene, storage: Storage) -> None:
    data = g.jpeg(800, 600, orientation=6)
    headers = auth.headers(scene.inspector)
    with put(client, headers, data) as first:
        assert first.status_code == 201, first.json
        body = first.json
    assert body["sha256"] == sha(data) and body["mime"] == "image/jpeg"
    assert (body["width"], body["height"], body["size"]) == (600, 800, len(data))
    assert body["taken_at"].startswith("2025-03-01T02:20:30")  # 10:20:30 +08:00 in UTC
    keys = blob_keys(storage)
    assert keys == sorted(photo_key(sha(data), v) for v in VARIANTS)
    for _ in range(3):  # the tablet retries after a lost response
        with put(client, headers, data) as again:
            assert again.status_code == 200 and again.json == body
    assert blob_keys(storage) == keys and photo_rows() == 1
    with storage.open(photo_key(sha(data))) as fh:
        assert fh.read() == data  # the original is kept untouched


def test_hash_mismatch_leaves_nothing(
    client: FlaskClient, auth: Any, app: Flask, scene: Scene, storage: Storage
) -> None:
    data = g.jpeg()
    with put(client, auth.headers(scene.inspector), data, digest=sha(data + b"x")) as r:
        assert r.status_code == 422 and "SHA-256" in r.json["message"]
    assert blob_keys(storage) == [] and photo_rows() == 0 and temp_files(app) == []


def test_hash_mismatch_on_existing_photo_is_refused(client: FlaskClient, auth: Any, scene: Scene) -> None:
    data = g.jpeg()
    headers = auth.headers(scene.inspector)
    with put(client, headers, data) as r:
        assert r.status_code == 201
    # Knowing a hash is not enough to claim the photo: the bytes must match it.
    with put(client, auth.headers(scene.outsider), g.jpeg(seed=9), digest=sha(data)) as r:
        assert r.status_code == 422
    with client.get(f"/api/photos/{sha(data)}", headers=auth.headers(scene.outsider)) as r:
        assert r.status_code == 404


@pytest.mark.parametrize(
    ("make", "status"),
    [
        (g.renamed_pdf, 415),
        (g.truncated_jpeg, 422),
        (g.png_bomb, 422),
        (lambda: b"", 400),
    ],
    ids=["renamed-pdf", "truncated", "bomb", "empty"],
)
def test_bad_files_get_4xx_and_leave_nothing(
    client: FlaskClient, auth: Any, app: Flask, scene: Scene, storage: Storage, make: Any, status: int
) -> None:
    data = make()
    with put(client, auth.headers(scene.inspector), data) as r:
        assert r.status_code == status
        assert " / " in r.json["message"]
    assert blob_keys(storage) == [] and photo_rows() == 0 and temp_files(app) == []


def test_oversized_upload_refused(client: FlaskClient, auth: Any, app: Flask, scene: Scene, storage: Storage) -> None:
    app.extensions["media"].settings = type(app.extensions["media"].settings)(max_bytes=50_000)
    data = g.jpeg(800, 600)
    assert len(data) > 50_000
    with put(client, auth.headers(scene.inspector), data) as r:
        assert r.status_code == 413 and "MB" in r.json["message"]
    # Without a Content-Length header the limit holds while streaming.
    with client.put(
        f"/api/photos/{sha(data)}",
        input_stream=io.BytesIO(data),
        headers={**auth.headers(scene.inspector), "Content-Type": "image/jpeg", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},  # what a server sets for a chunked body
    ) as r:
        assert r.status_code == 413
    assert blob_keys(storage) == [] and photo_rows() == 0 and temp_files(app) == []


def test_a_200_mb_upload_is_refused_before_reading(client: FlaskClient, auth: Any, scene: Scene) -> None:
    with client.put(
        f"/api/photos/{'a' * 64}",
        input_stream=io.BytesIO(b""),
        headers={**auth.headers(scene.inspector), "Content-Type": "image/jpeg"},
        environ_overrides={"CONTENT_LENGTH": str(200 << 20)},  # announced, never sent
    ) as r:
        assert r.status_code == 413 and "MB" in r.json["message"]


def test_must_be_logged_in_and_hash_shaped(client: FlaskClient, auth: Any, scene: Scene) -> None:
    data = g.jpeg()
    with put(client, {}, data) as r:
        assert r.status_code == 401
    with put(client, auth.headers(scene.inspector), data, digest="not-a-hash") as r:
        assert r.status_code == 400


def test_served_upright_with_thumbnails_and_no_gps(client: FlaskClient, auth: Any, scene: Scene) -> None:
    data = g.jpeg(1200, 900, orientation=6)
    headers = auth.headers(scene.inspector)
    with put(client, headers, data) as r:
        assert r.status_code == 201
    url = f"/api/photos/{sha(data)}"
    with client.get(url, query_string={"size": "thumb"}, headers=headers) as r:
        assert r.status_code == 200 and r.mimetype == "image/jpeg"
        assert "immutable" in r.headers["Cache-Control"] and "private" in r.headers["Cache-Control"]
        thumb = image_of(r)
    assert thumb.size == (240, 320)
    assert thumb.getpixel((thumb.width - 3, 2))[0] > 200  # the red corner is top right after turning
    with client.get(url, query_string={"size": "display"}, headers=headers) as r:
        # Display-sized: the metadata-free original, turned upright by its orientation tag.
        assert ImageOps.exif_transpose(image_of(r)).size == (900, 1200)
    with client.get(url, query_string={"size": "original"}, headers=headers) as r:
        original = image_of(r)
        assert b"Zhang San" not in r.data
    assert original.size == (1200, 900) and dict(original.getexif()) == {0x0112: 6}
    assert not original.getexif().get_ifd(0x8825)
    with client.get(url, query_string={"size": "huge"}, headers=headers) as r:
        assert r.status_code == 422


@pytest.fixture
def keep_gps(app: Flask) -> None:
    settings = app.extensions["media"].settings
    app.extensions["media"].settings = type(settings)(**{**settings.__dict__, "keep_gps": True})


@pytest.mark.usefixtures("keep_gps")
def test_keep_gps_setting_serves_the_untouched_original(client: FlaskClient, auth: Any, scene: Scene) -> None:
    data = g.jpeg(orientation=6)
    headers = auth.headers(scene.inspector)
    with put(client, headers, data) as r:
        assert r.status_code == 201
    with client.get(f"/api/photos/{sha(data)}", query_string={"size": "original"}, headers=headers) as r:
        assert r.data == data


@pytest.mark.parametrize("maker", [g.heic, g.png, g.webp])
def test_other_formats_round_trip(client: FlaskClient, auth: Any, scene: Scene, maker: Any) -> None:
    data = maker()
    headers = auth.headers(scene.inspector)
    with put(client, headers, data, mime="application/octet-stream") as r:  # the type comes from the bytes
        assert r.status_code == 201
        body = r.json
    with client.get(f"/api/photos/{sha(data)}", query_string={"size": "original"}, headers=headers) as r:
        assert r.status_code == 200 and r.mimetype in ("image/jpeg", "image/png")
        assert image_of(r).size == (body["width"], body["height"])


def test_access_follows_the_defect(client: FlaskClient, auth: Any, scene: Scene) -> None:
    data = g.jpeg()
    digest = sha(data)
    with put(client, auth.headers(scene.inspector), data) as r:
        assert r.status_code == 201
    # Before any defect names it, only the uploader sees it.
    readers = {"manager": scene.manager, "outsider": scene.outsider, "crew": scene.crew, "owner": scene.owner}

    def can_read(user: Any) -> bool:
        with client.get(f"/api/photos/{digest}", query_string={"size": "thumb"}, headers=auth.headers(user)) as r:
            assert r.status_code in (200, 404)
            return r.status_code == 200

    assert can_read(scene.inspector)
    assert not any(can_read(u) for u in readers.values())
    # An internal defect of P assigned to the crew's contractor: staff of P and that crew see it.
    scene.defect_with(digest, contractor_id=scene.contractor.id)
    assert {k for k, u in readers.items() if can_read(u)} == {"manager", "crew"}


def test_outsider_gets_404_by_hash_and_by_url(client: FlaskClient, auth: Any, scene: Scene, media_backend: str) -> None:
    data = g.jpeg()
    digest = sha(data)
    with put(client, auth.headers(scene.inspector), data) as r:
        assert r.status_code == 201
    scene.defect_with(digest)
    outsider = auth.headers(scene.outsider)
    for path in ("", "/url", "/info", "/annotations", "/annotated"):
        with client.get(f"/api/photos/{digest}{path}", headers=outsider) as r:
            assert r.status_code == 404, path
    with client.get(f"/api/photos/{'0' * 64}", headers=auth.headers(scene.inspector)) as r:
        assert r.status_code == 404  # unknown and invisible look the same
    # A signed URL made for an insider cannot be bent to another photo or size.
    with client.get(
        f"/api/photos/{digest}/url", query_string={"size": "thumb"}, headers=auth.headers(scene.manager)
    ) as r:
        url = r.json["url"]
    if media_backend == "local":
        with client.get(url.replace("size=thumb", "size=original")) as r:
            assert r.status_code == 404
        with client.get(url.replace(digest, sha(b"other"))) as r:
            assert r.status_code == 404


def test_signed_url_works_without_bearer_then_expires(
    client: FlaskClient, auth: Any, app: Flask, scene: Scene, media_backend: str, s3_clock: Any, monkeypatch: Any
) -> None:
    from datetime import UTC, datetime, timedelta

    from media import signing

    settings = app.extensions["media"].settings
    app.extensions["media"].settings = type(settings)(**{**settings.__dict__, "url_ttl": timedelta(seconds=60)})
    data = g.jpeg()
    headers = auth.headers(scene.inspector)
    with put(client, headers, data) as r:
        assert r.status_code == 201
    with client.get(f"/api/photos/{sha(data)}/url", query_string={"size": "thumb"}, headers=headers) as r:
        assert r.status_code == 200
        url = r.json["url"]

    def fetch() -> tuple[int, bytes]:
        if media_backend == "s3":
            assert url.startswith("http://127.0.0.1:")  # straight from the bucket
            with requests.get(url, timeout=10) as resp:
                return resp.status_code, resp.content
        with client.get(url) as resp:  # no Authorization header
            return resp.status_code, resp.data

    def clocks_at(later: timedelta) -> None:
        start = datetime.now(UTC)
        monkeypatch.setattr(signing, "clock", lambda: start + later)  # the server's clock (local disk)
        s3_clock.reset()
        s3_clock.advance(later)  # the bucket's clock (S3)

    status, body = fetch()
    assert status == 200 and body[:3] == b"\xff\xd8\xff"
    clocks_at(timedelta(seconds=50))
    assert fetch()[0] == 200  # still within its minute
    clocks_at(timedelta(seconds=62))
    assert fetch()[0] in (403, 404)


def test_two_devices_upload_the_same_photo_at_once(
    live_server: str, auth: Any, scene: Scene, storage: Storage, app: Flask
) -> None:
    data = g.jpeg(1600, 1200, seed=5)
    users = [scene.inspector, scene.manager, scene.inspector, scene.crew]
    headers = [auth.headers(u) for u in users]
    barrier = threading.Barrier(len(users))
    results: list[tuple[int, dict[str, Any]]] = []

    def device(h: dict[str, str]) -> None:
        barrier.wait()
        with requests.put(
            f"{live_server}/api/photos/{sha(data)}", data=data, headers={**h, "Content-Type": "image/jpeg"}, timeout=60
        ) as resp:
            results.append((resp.status_code, resp.json()))

    threads = [threading.Thread(target=device, args=(h,)) for h in headers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(s for s, _ in results)
    assert all(s in (200, 201) for s in statuses), results
    assert 201 in statuses
    assert len({str(b) for _, b in results}) == 1  # everyone got the same photo
    db.session.expire_all()
    assert photo_rows() == 1
    assert blob_keys(storage) == sorted(photo_key(sha(data), v) for v in VARIANTS)
    uploaders = set(db.session.scalars(select(PhotoUploader.user_id)))
    assert uploaders == {scene.inspector.id, scene.manager.id, scene.crew.id}
    assert temp_files(app) == []
