"""Fixtures for the photo pipeline: every storage and API test runs on local disk and on S3 (moto, over HTTP)."""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from media.s3 import S3Storage
from media.storage import LocalStorage, Storage
from server.photos import media
from tests import factories as f
from tests.media import s3server

S3_KEYS = {"S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing", "S3_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server, url = s3server.start()
    yield url
    server.stop()


@pytest.fixture
def s3_clock() -> Iterator[s3server.Clock]:
    """The fake S3's clock (it decides when presigned URLs and POST policies expire); reset after the test."""
    yield s3server.CLOCK
    s3server.CLOCK.reset()


def _s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def _new_bucket(endpoint: str) -> str:
    name = f"yanshou-test-{uuid.uuid4().hex[:12]}"
    client = _s3_client(endpoint)
    client.create_bucket(Bucket=name)
    client.close()
    return name


@pytest.fixture(scope="session")
def _app_bucket(s3_endpoint: str) -> str:
    return _new_bucket(s3_endpoint)


@pytest.fixture
def s3_bucket(s3_endpoint: str, _app_bucket: str) -> Iterator[str]:
    """The bucket the S3-backed apps use: the same name in every test (so the app is reused), emptied after each."""
    yield _app_bucket
    client = _s3_client(s3_endpoint)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=_app_bucket):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=_app_bucket, Delete={"Objects": keys})
    client.close()


@pytest.fixture(params=["local", "s3"])
def media_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def storage_config(media_backend: str, scratch_dir: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    if media_backend == "local":
        return {"MEDIA_BACKEND": "local", "MEDIA_ROOT": str(scratch_dir / "media")}
    return {
        "MEDIA_BACKEND": "s3",
        "S3_ENDPOINT_URL": request.getfixturevalue("s3_endpoint"),
        "S3_BUCKET": request.getfixturevalue("s3_bucket"),
        "S3_PREFIX": "photos/",
        **S3_KEYS,
    }


@pytest.fixture
def app_config(scratch_dir: Path, database_url: str, storage_config: dict[str, Any]) -> dict[str, Any]:
    # Under scratch_dir (emptied between tests, same path each time) so that one app serves every test.
    tmp = scratch_dir / "tmp"
    tmp.mkdir(exist_ok=True)
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MEDIA_ROOT": str(scratch_dir / "media"),
        "MEDIA_TMP_DIR": str(tmp),
        "MEDIA_DERIVATIVES": "inline",  # tests of the image workers ask for "worker"
        **storage_config,
    }


@pytest.fixture
def storage(app: Flask) -> Storage:
    return media().storage


def blob_keys(storage: Storage) -> list[str]:
    return sorted(o.key for o in storage.iter_objects())


def temp_files(app: Flask) -> list[str]:
    return sorted(p.name for p in Path(app.config["MEDIA_TMP_DIR"]).iterdir())


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(
    client: FlaskClient, headers: dict[str, str], data: bytes, digest: str | None = None, mime: str = "image/jpeg"
) -> Any:
    return client.put(f"/api/photos/{digest or sha(data)}", data=data, headers={**headers, "Content-Type": mime})


class Scene:
    """Project P with an inspector (the uploader), a manager, a crew and a homeowner on a unit of P, and
    an inspector of another project (outside P's scope)."""

    def __init__(self) -> None:
        from domain.models import HomeownerUnit, Membership
        from server.extensions import db

        self.project = f.ProjectFactory()
        self.other_project = f.ProjectFactory()
        self.unit = f.UnitFactory(building=f.BuildingFactory(project_id=self.project.id))
        self.inspector = f.UserFactory(role="inspector")
        self.manager = f.UserFactory(role="manager")
        self.outsider = f.UserFactory(role="inspector")
        self.contractor = f.ContractorFactory()
        self.crew = f.UserFactory(role="crew", contractor_id=self.contractor.id)
        self.owner = f.UserFactory(role="homeowner")
        db.session.add_all(
            [
                Membership(user_id=self.inspector.id, project_id=self.project.id),
                Membership(user_id=self.manager.id, project_id=self.project.id),
                Membership(user_id=self.outsider.id, project_id=self.other_project.id),
                HomeownerUnit(user_id=self.owner.id, unit_id=self.unit.id),
            ]
        )
        db.session.commit()

    def defect_with(self, digest: str, **kwargs: Any) -> Any:
        from domain.models import DefectPhoto
        from server.extensions import db

        defect = f.DefectFactory(unit=self.unit, **kwargs)
        # Added (a clock), not a removal tombstone: only an added photo makes it visible with its defect.
        clock = "0000000000001:00000:scene"
        db.session.add(DefectPhoto(defect_id=defect.id, sha256=digest, kind="before", clock=clock))
        db.session.commit()
        return defect


@pytest.fixture
def scene(app: Flask) -> Scene:
    return Scene()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on a real loopback HTTP server (threaded), for concurrency tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def local_storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "blobs")


@pytest.fixture
def any_storage(media_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Storage:
    if media_backend == "local":
        return LocalStorage(tmp_path / "blobs")
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Storage.from_mapping(
        {"S3_ENDPOINT_URL": endpoint, "S3_BUCKET": _new_bucket(endpoint), "S3_PREFIX": "p/", **S3_KEYS}
    )
