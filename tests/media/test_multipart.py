"""Photos straight to S3 in presigned parts (moto in server mode): interrupted and resumed, verified by the
server, and refused to anyone else; local storage says it has no direct path."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import func, select

from domain.models import Photo, PhotoUpload
from media.storage import Storage, photo_key
from server.extensions import db
from server.photos import media
from tests.media import imagegen as g
from tests.media.conftest import Scene, blob_keys, sha

PART = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def big_png() -> bytes:
    data = g.noise_png(1900, 1900)  # ≈ 10.8 MB of random pixels: three parts
    assert 2 * PART < len(data) < 3 * PART
    return data


def begin(client: FlaskClient, headers: dict[str, str], data: bytes, digest: str | None = None) -> Any:
    body = {"sha256": digest or sha(data), "size": len(data), "mime": "image/png"}
    with client.post("/api/photos/multipart-uploads", json=body, headers=headers) as r:
        return r.status_code, r.json


def part_urls(client: FlaskClient, headers: dict[str, str], upload_id: str, parts: list[int]) -> dict[int, str]:
    with client.post(f"/api/photos/multipart-uploads/{upload_id}/parts", json={"parts": parts}, headers=headers) as r:
        assert r.status_code == 200, r.json
        return {u["part"]: u["url"] for u in r.json["urls"]}


def send_part(url: str, data: bytes, number: int) -> None:
    r = requests.put(url, data=data[(number - 1) * PART : number * PART], timeout=30)  # as the browser does
    assert r.status_code == 200, r.text


def complete(client: FlaskClient, headers: dict[str, str], upload_id: str) -> Any:
    with client.post(f"/api/photos/multipart-uploads/{upload_id}/complete", headers=headers) as r:
        return r.status_code, r.json


@pytest.mark.parametrize("media_backend", ["s3"], indirect=True)
def test_direct_upload_interrupted_and_resumed(
    client: FlaskClient, auth: Any, scene: Scene, storage: Storage, big_png: bytes
) -> None:
    headers = auth.headers(scene.inspector)
    with client.get("/api/photos/upload-options", headers=headers) as r:
        assert r.json == {"direct": True, "part_size": PART, "max_bytes": media().settings.max_bytes}
    status, state = begin(client, headers, big_png)
    assert status == 201, state
    assert (state["parts"], state["received"], state["part_size"]) == (3, [], PART)
    upload_id = state["upload_id"]
    urls = part_urls(client, headers, upload_id, [1, 2, 3])
    send_part(urls[1], big_png, 1)
    # The connection drops here; the tablet restarts and has forgotten everything but the photo.

    status, state = begin(client, headers, big_png)
    assert status == 201 and state["upload_id"] == upload_id and state["received"] == [1]
    with client.get(f"/api/photos/multipart-uploads/{upload_id}", headers=headers) as r:
        assert r.json["received"] == [1]
    # Completing early says what is missing, and keeps what arrived.
    status, body = complete(client, headers, upload_id)
    assert status == 409 and "2, 3" in body["message"]
    urls = part_urls(client, headers, upload_id, [2, 3])
    send_part(urls[2], big_png, 2)
    send_part(urls[3], big_png, 3)
    status, body = complete(client, headers, upload_id)
    assert status == 200, body
    assert body["photo"]["sha256"] == sha(big_png) and body["photo"]["size"] == len(big_png)
    assert body["upload_id"] is None
    keys = blob_keys(storage)
    assert photo_key(sha(big_png)) in keys
    assert not any(k.startswith("incoming/") for k in keys)  # the upload's object is gone once copied
    assert db.session.scalar(select(func.count()).select_from(PhotoUpload)) == 0
    stored = storage.open(photo_key(sha(big_png)))
    assert stored.read() == big_png
    stored.close()
    with client.get(f"/api/photos/{sha(big_png)}?size=thumb", headers=headers) as r:
        assert r.status_code == 200


@pytest.mark.parametrize("media_backend", ["s3"], indirect=True)
def test_direct_upload_verifies_the_hash(
    client: FlaskClient, auth: Any, scene: Scene, storage: Storage, big_png: bytes
) -> None:
    headers = auth.headers(scene.inspector)
    lie = f"{1:064x}"
    status, state = begin(client, headers, big_png, digest=lie)
    urls = part_urls(client, headers, state["upload_id"], [1, 2, 3])
    for n in (1, 2, 3):
        send_part(urls[n], big_png, n)
    status, body = complete(client, headers, state["upload_id"])
    assert status == 422 and "SHA-256" in body["message"]
    assert db.session.get(Photo, lie) is None
    assert db.session.scalar(select(func.count()).select_from(PhotoUpload)) == 0
    assert not any(k.startswith("incoming/") for k in blob_keys(storage))


@pytest.mark.parametrize("media_backend", ["s3"], indirect=True)
def test_direct_upload_is_its_owners_alone(client: FlaskClient, auth: Any, scene: Scene) -> None:
    data = g.jpeg(640, 480, seed=21)
    status, state = begin(client, auth.headers(scene.inspector), data)
    assert status == 201 and state["parts"] == 1
    upload_id = state["upload_id"]
    for user in (scene.owner, scene.crew, scene.outsider, scene.manager):
        headers = auth.headers(user)
        with client.get(f"/api/photos/multipart-uploads/{upload_id}", headers=headers) as r:
            assert r.status_code == 404
        with client.post(f"/api/photos/multipart-uploads/{upload_id}/parts", json={"parts": [1]}, headers=headers) as r:
            assert r.status_code == 404
        assert complete(client, headers, upload_id)[0] == 404
    # Part numbers outside the file, or hostile values, are refused.
    headers = auth.headers(scene.inspector)
    for parts in ([2], [0], [2**31], ["x"], []):
        with client.post(
            f"/api/photos/multipart-uploads/{upload_id}/parts", json={"parts": parts}, headers=headers
        ) as r:
            assert r.status_code == 422, (parts, r.json)


@pytest.mark.parametrize("media_backend", ["local"], indirect=True)
def test_local_storage_offers_no_direct_upload(client: FlaskClient, auth: Any, scene: Scene) -> None:
    headers = auth.headers(scene.inspector)
    with client.get("/api/photos/upload-options", headers=headers) as r:
        assert r.json["direct"] is False
    status, body = begin(client, headers, g.jpeg(64, 48))
    assert status == 409, body
