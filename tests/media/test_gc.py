"""Clean-up removes unreferenced photos after the grace period and never a referenced one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import update

from domain.models import Photo, PhotoUpload, utcnow
from media.gc import collect
from media.storage import Storage, photo_key
from server.extensions import db
from tests import factories as f
from tests.media import imagegen as g
from tests.media.conftest import Scene, blob_keys, put, sha


def upload(client: FlaskClient, headers: dict[str, str], seed: int) -> str:
    data = g.jpeg(320, 240, seed=seed)
    with put(client, headers, data) as r:
        assert r.status_code == 201
    return sha(data)


def age(days: float) -> None:
    db.session.execute(update(Photo).values(last_seen_at=utcnow() - timedelta(days=days)))
    db.session.execute(update(PhotoUpload).values(updated_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def photos() -> set[str]:
    db.session.expire_all()
    return {p.sha256 for p in db.session.query(Photo)}


def test_unreferenced_removed_referenced_kept(client: FlaskClient, auth: Any, scene: Scene, storage: Storage) -> None:
    headers = auth.headers(scene.inspector)
    orphan, on_defect, removed_from_defect, plan = (upload(client, headers, s) for s in range(4))
    scene.defect_with(on_defect)
    defect = scene.defect_with(removed_from_defect)
    defect.photos[0].removed_at = utcnow()  # still in the defect's history: evidence stays
    f.PlanTypeFactory(project_id=scene.project.id, plan_sha256=plan)
    db.session.commit()
    age(days=3)

    report = collect(db.session, storage, grace=timedelta(days=2))
    assert report.photos == [orphan] and report.bytes_freed > 0
    assert photos() == {on_defect, removed_from_defect, plan}
    keys = blob_keys(storage)
    assert not [k for k in keys if orphan in k]
    for kept in (on_defect, removed_from_defect, plan):
        assert photo_key(kept) in keys and photo_key(kept, "thumb") in keys


def test_grace_period_protects_recent_uploads(client: FlaskClient, auth: Any, scene: Scene, storage: Storage) -> None:
    headers = auth.headers(scene.inspector)
    data = g.jpeg(320, 240)
    with put(client, headers, data) as r:
        recent = r.json["sha256"]
    age(days=1)
    assert collect(db.session, storage, grace=timedelta(days=2)).photos == []
    assert photos() == {recent}
    # Uploading the same bytes again restarts the grace period.
    age(days=3)
    with put(client, headers, data) as r:
        assert r.status_code == 200
    assert collect(db.session, storage, grace=timedelta(days=2)).photos == []
    assert photos() == {recent}


def test_dry_run_changes_nothing(client: FlaskClient, auth: Any, scene: Scene, storage: Storage) -> None:
    orphan = upload(client, auth.headers(scene.inspector), 8)
    age(days=30)
    before = blob_keys(storage)
    assert collect(db.session, storage, grace=timedelta(days=1), dry_run=True).photos == [orphan]
    assert blob_keys(storage) == before and photos() == {orphan}


def test_abandoned_uploads_and_stray_blobs(client: FlaskClient, auth: Any, scene: Scene, storage: Storage) -> None:
    headers = auth.headers(scene.inspector)
    data = g.jpeg(900, 600, seed=9)
    with client.post("/api/photos/uploads", json={"sha256": sha(data), "size": len(data)}, headers=headers) as r:
        upload_id = r.json["upload_id"]
    with client.put(
        f"/api/photos/uploads/{upload_id}", data=data[:1000], headers={**headers, "Upload-Offset": "0"}
    ) as r:
        assert r.status_code == 200
    storage.put_bytes(photo_key("f" * 64, "thumb"), b"left by a crashed worker", "image/jpeg")
    storage.put_bytes("elsewhere/readme.txt", b"not ours", "text/plain")
    age(days=30)
    report = collect(db.session, storage, grace=timedelta(days=1), now=utcnow() + timedelta(days=30))
    assert report.uploads == 1 and report.stray_objects == 1
    assert blob_keys(storage) == ["elsewhere/readme.txt"]


def test_cli_command(runner: Any, client: FlaskClient, auth: Any, scene: Scene, storage: Storage) -> None:
    headers = auth.headers(scene.inspector)
    orphan = upload(client, headers, 10)
    kept = upload(client, headers, 11)
    scene.defect_with(kept)
    result = runner.invoke(args=["media", "gc", "--grace-hours", "24"])
    assert result.exit_code == 0 and "removed: 0 photos" in result.output
    age(days=2)
    result = runner.invoke(args=["media", "gc", "--grace-hours", "24", "--dry-run"])
    assert "would remove: 1 photos" in result.output
    result = runner.invoke(args=["media", "gc", "--grace-hours", "24"])
    assert result.exit_code == 0 and "removed: 1 photos" in result.output, result.output
    assert photos() == {kept}
    assert not [k for k in blob_keys(storage) if orphan in k]
