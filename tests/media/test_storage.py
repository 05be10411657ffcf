"""One contract, two backends: local disk and S3 (moto in server mode, over real HTTP on loopback)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import requests

from media.storage import BlobNotFound, LocalStorage, Storage, make_storage, photo_key
from tests.media.s3server import Clock

SHA = "ab" * 32


def test_put_open_stat_delete(any_storage: Storage, tmp_path: Path) -> None:
    key = photo_key(SHA)
    assert any_storage.stat(key) is None
    with pytest.raises(BlobNotFound):
        any_storage.open(key)
    any_storage.put_bytes(key, b"first", "image/jpeg")
    src = tmp_path / "src"
    src.write_bytes(b"second version")
    any_storage.put_file(key, str(src), "image/jpeg")  # overwrite is whole-object
    with any_storage.open(key) as fh:
        assert fh.read() == b"second version"
    found = any_storage.stat(key)
    assert found is not None and found.size == len(b"second version")
    out = tmp_path / "out"
    any_storage.download(key, str(out))
    assert out.read_bytes() == b"second version"
    any_storage.delete(key)
    any_storage.delete(key)  # deleting twice is fine
    assert any_storage.stat(key) is None


def test_iter_objects_by_prefix(any_storage: Storage) -> None:
    for key in (photo_key(SHA), photo_key(SHA, "thumb"), "uploads/u1/000000000000-aa"):
        any_storage.put_bytes(key, b"x", "application/octet-stream")
    assert sorted(o.key for o in any_storage.iter_objects()) == [
        photo_key(SHA),
        photo_key(SHA, "thumb"),
        "uploads/u1/000000000000-aa",
    ]
    assert [o.key for o in any_storage.iter_objects("uploads/")] == ["uploads/u1/000000000000-aa"]


def test_local_layout_is_sharded_and_atomic(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "m")
    store.put_bytes(photo_key(SHA), b"data", "image/jpeg")
    assert (tmp_path / "m" / "ab" / "ab" / SHA).read_bytes() == b"data"
    assert not list((tmp_path / "m" / "ab" / "ab").glob(".*"))  # no temp file left
    for bad in ("../escape", "/abs", "a/../../b", ""):
        with pytest.raises(ValueError):
            store.put_bytes(bad, b"x", "image/jpeg")
    store.delete(photo_key(SHA))
    assert list((tmp_path / "m").iterdir()) == []  # emptied shards removed


def test_local_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path / "m")
    with pytest.raises(FileNotFoundError):
        store.put_file(photo_key(SHA), str(tmp_path / "missing"), "image/jpeg")
    assert list(store.iter_objects()) == []
    assert [p for p in (tmp_path / "m").rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("media_backend", ["s3"])
def test_presigned_get_works_then_expires(any_storage: Storage, s3_clock: Clock) -> None:
    key = photo_key(SHA, "thumb")
    any_storage.put_bytes(key, b"thumb-bytes", "image/jpeg")
    url = any_storage.presigned_get(key, timedelta(seconds=2), "image/jpeg")
    assert url is not None and "X-Amz-Signature" in url and "X-Amz-Expires=2" in url
    with requests.get(url, timeout=10) as ok:
        assert ok.status_code == 200 and ok.content == b"thumb-bytes"
        assert ok.headers["Content-Type"] == "image/jpeg"
    s3_clock.advance(timedelta(seconds=3))  # the bucket's clock: past the URL's two seconds
    with requests.get(url, timeout=10) as late:
        assert late.status_code == 403 and b"expired" in late.content


@pytest.mark.parametrize("media_backend", ["s3"])
def test_presigned_post_enforces_exact_size(any_storage: Storage) -> None:
    form = any_storage.presigned_post("incoming/u1", 10, timedelta(minutes=5))
    assert form is not None
    with requests.post(form.url, data=form.fields, files={"file": b"0123456789abc"}, timeout=10) as big:
        assert big.status_code == 400 and b"EntityTooLarge" in big.content
    assert any_storage.stat("incoming/u1") is None
    with requests.post(form.url, data=form.fields, files={"file": b"0123456789"}, timeout=10) as ok:
        assert ok.status_code in (200, 201, 204)
    found = any_storage.stat("incoming/u1")
    assert found is not None and found.size == 10


def test_local_has_no_presigning(local_storage: LocalStorage) -> None:
    assert local_storage.presigned_get("k", timedelta(seconds=5), "image/jpeg") is None
    assert local_storage.presigned_post("k", 5, timedelta(seconds=5)) is None


def test_make_storage_from_settings(tmp_path: Path) -> None:
    assert isinstance(make_storage({"MEDIA_ROOT": str(tmp_path)}), LocalStorage)
    with pytest.raises(ValueError):
        make_storage({"MEDIA_BACKEND": "ftp", "MEDIA_ROOT": str(tmp_path)})
    with pytest.raises(ValueError):
        make_storage({"MEDIA_BACKEND": "s3", "S3_BUCKET": ""})
