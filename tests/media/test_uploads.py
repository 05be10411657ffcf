"""Resumable chunked uploads and direct-to-S3 uploads confirmed by the server."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from domain.models import Photo, PhotoUpload
from media.storage import Storage, photo_key
from server.extensions import db
from tests.media import imagegen as g
from tests.media.conftest import Scene, blob_keys, sha, temp_files

CHUNK = 64 * 1024


def start(client: FlaskClient, headers: dict[str, str], data: bytes, digest: str | None = None) -> Any:
    body = {"sha256": digest or sha(data), "size": len(data), "mime": "image/jpeg"}
    with client.post("/api/photos/uploads", json=body, headers=headers) as r:
        return r.status_code, r.json


def send(client: FlaskClient, headers: dict[str, str], upload_id: str, offset: int, chunk: bytes) -> Any:
    with client.put(
        f"/api/photos/uploads/{upload_id}",
        data=chunk,
        headers={**headers, "Upload-Offset": str(offset), "Content-Type": "application/octet-stream"},
    ) as r:
        return r.status_code, r.json


def uploads_left() -> int:
    return int(db.session.scalar(select(func.count()).select_from(PhotoUpload)) or 0)


def test_interrupted_upload_resumes_where_it_stopped(
    client: FlaskClient, auth: Any, app: Flask, scene: Scene, storage: Storage
) -> None:
    data = g.jpeg(1400, 1000, seed=2)
    assert len(data) > 3 * CHUNK
    headers = auth.headers(scene.inspector)
    status, state = start(client, headers, data)
    assert status == 201 and state["offset"] == 0 and state["photo"] is None
    upload_id = state["upload_id"]
    assert send(client, headers, upload_id, 0, data[:CHUNK])[1]["offset"] == CHUNK
    assert send(client, headers, upload_id, CHUNK, data[CHUNK : 2 * CHUNK])[1]["offset"] == 2 * CHUNK

    # The connection drops; later the tablet has lost the upload id and asks again for the same photo.
    status, again = start(client, headers, data)
    assert status == 201 and again["upload_id"] == upload_id and again["offset"] == 2 * CHUNK
    with client.get(f"/api/photos/uploads/{upload_id}", headers=headers) as r:
        assert r.json["offset"] == 2 * CHUNK

    # A retried chunk at an old offset is refused with the offset to continue from; nothing is appended twice.
    status, body = send(client, headers, upload_id, CHUNK, data[CHUNK : 2 * CHUNK])
    assert status == 409 and str(2 * CHUNK) in body["message"]

    offset = 2 * CHUNK
    while offset < len(data):
        status, state = send(client, headers, upload_id, offset, data[offset : offset + CHUNK])
        assert status == 200, state
        offset = state["offset"]
    assert state["upload_id"] is None and state["photo"]["sha256"] == sha(data)
    assert state["photo"]["width"] == 1400
    with storage.open(photo_key(sha(data))) as fh:
        assert fh.read() == data
    assert not [k for k in blob_keys(storage) if k.startswith("uploads/")]  # chunks cleaned up
    assert uploads_left() == 0 and temp_files(app) == []
    with client.get(f"/api/photos/{sha(data)}", query_string={"size": "thumb"}, headers=headers) as r:
        assert r.status_code == 200


def test_corrupted_chunk_fails_the_hash_and_leaves_nothing(
    client: FlaskClient, auth: Any, app: Flask, scene: Scene, storage: Storage
) -> None:
    data = g.jpeg(900, 700, seed=4)
    headers = auth.headers(scene.inspector)
    upload_id = start(client, headers, data)[1]["upload_id"]
    bad = bytearray(data)
    bad[CHUNK + 10] ^= 0xFF  # one flipped bit on a bad network
    send(client, headers, upload_id, 0, bytes(bad[:CHUNK]))
    status, body = send(client, headers, upload_id, CHUNK, bytes(bad[CHUNK:]))
    assert status == 422 and "SHA-256" in body["message"]
    db.session.expire_all()
    assert blob_keys(storage) == [] and uploads_left() == 0 and temp_files(app) == []
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    with client.get(f"/api/photos/uploads/{upload_id}", headers=headers) as r:
        assert r.status_code == 404


def test_chunk_rules(client: FlaskClient, auth: Any, scene: Scene, storage: Storage) -> None:
    data = g.jpeg(600, 400, seed=6)
    headers = auth.headers(scene.inspector)
    upload_id = start(client, headers, data)[1]["upload_id"]
    assert send(client, headers, upload_id, 0, data + b"extra")[0] == 413  # longer than the file
    assert send(client, headers, upload_id, 0, g.renamed_pdf())[0] == 415  # not an image from byte 0
    with client.put(f"/api/photos/uploads/{upload_id}", data=data[:10], headers=headers) as r:
        assert r.status_code == 400  # no Upload-Offset
    # Another user cannot see or continue someone else's upload.
    other = auth.headers(scene.manager)
    assert send(client, other, upload_id, 0, data[:CHUNK])[0] == 404
    with client.get(f"/api/photos/uploads/{upload_id}", headers=other) as r:
        assert r.status_code == 404
    assert not [k for k in blob_keys(storage) if k.startswith("uploads/")]


def test_start_refuses_bad_sizes_and_finds_visible_photos(
    client: FlaskClient, auth: Any, app: Flask, scene: Scene
) -> None:
    headers = auth.headers(scene.inspector)
    body = {"sha256": "a" * 64, "size": app.extensions["media"].settings.max_bytes + 1}
    with client.post("/api/photos/uploads", json=body, headers=headers) as r:
        assert r.status_code == 413
    with client.post("/api/photos/uploads", json={"sha256": "xyz", "size": 10}, headers=headers) as r:
        assert r.status_code == 422
    data = g.jpeg()
    with client.put(f"/api/photos/{sha(data)}", data=data, headers=headers) as r:
        assert r.status_code == 201
    status, state = start(client, headers, data)
    assert status == 200 and state["upload_id"] is None and state["photo"]["sha256"] == sha(data)
    # Someone who cannot see it must still send the bytes (knowing a hash proves nothing).
    status, state = start(client, auth.headers(scene.outsider), data)
    assert status == 201 and state["upload_id"] is not None


def test_direct_upload_to_s3_then_confirm(
    client: FlaskClient, auth: Any, scene: Scene, storage: Storage, media_backend: str
) -> None:
    data = g.jpeg(800, 600, seed=8, orientation=3)
    headers = auth.headers(scene.inspector)
    body = {"sha256": sha(data), "size": len(data), "mime": "image/jpeg"}
    with client.post("/api/photos/direct-uploads", json=body, headers=headers) as r:
        if media_backend == "local":
            assert r.status_code == 409 and "S3" in r.json["message"]
            return
        assert r.status_code == 201, r.json
        form = r.json
    # The browser posts more than it announced: S3 refuses by the signed policy.
    with requests.post(form["url"], data=form["fields"], files={"file": data + b"x"}, timeout=10) as resp:
        assert resp.status_code == 400
    with client.post(f"/api/photos/direct-uploads/{form['upload_id']}/confirm", headers=headers) as r:
        assert r.status_code == 409  # nothing arrived yet
    with requests.post(form["url"], data=form["fields"], files={"file": data}, timeout=10) as resp:
        assert resp.status_code in (200, 201, 204)
    with client.post(f"/api/photos/direct-uploads/{form['upload_id']}/confirm", headers=headers) as r:
        assert r.status_code == 200, r.json
        assert r.json["photo"]["sha256"] == sha(data)
    assert not [k for k in blob_keys(storage) if k.startswith("incoming/")]
    assert photo_key(sha(data), "thumb") in blob_keys(storage)


@pytest.mark.parametrize("media_backend", ["s3"])
def test_direct_upload_with_wrong_bytes_is_discarded(
    client: FlaskClient, auth: Any, scene: Scene, storage: Storage
) -> None:
    data = g.jpeg(seed=1)
    fake = g.jpeg(seed=2)[: len(data)].ljust(len(data), b"\0")
    headers = auth.headers(scene.inspector)
    body = {"sha256": sha(data), "size": len(data)}
    with client.post("/api/photos/direct-uploads", json=body, headers=headers) as r:
        form = r.json
    with requests.post(form["url"], data=form["fields"], files={"file": fake}, timeout=10) as resp:
        assert resp.status_code in (200, 201, 204)
    with client.post(f"/api/photos/direct-uploads/{form['upload_id']}/confirm", headers=headers) as r:
        assert r.status_code == 422
    assert blob_keys(storage) == [] and uploads_left() == 0
