"""Where blobs live: one small interface, a local-disk implementation here and S3 in ``media.s3``.

Keys are slash-separated paths. Photos are sharded by hash prefix (``ab/cd/abcd…``) so that no directory
holds millions of files; upload chunks live under ``uploads/``. Writes are atomic: a reader sees a whole
blob or none, never half of one.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any, Protocol

VARIANTS = ("original", "clean", "display", "thumb")
PHOTO_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/([0-9a-f]{64})(?:\.(clean|display|thumb))?$")


def photo_key(sha256: str, variant: str = "original") -> str:
    base = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
    return base if variant == "original" else f"{base}.{variant}"


class BlobNotFound(LookupError):
    pass


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]
    expires_at: datetime


class Storage(Protocol):
    name: str
    multipart: Multipart | None

    def put_file(self, key: str, path: str, content_type: str) -> None: ...

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...

    def open(self, key: str) -> IO[bytes]:
        """A readable binary stream; the caller closes it. Raises BlobNotFound."""
        ...

    def download(self, key: str, path: str) -> None: ...

    def stat(self, key: str) -> StoredObject | None: ...

    def delete(self, key: str) -> None:
        """Remove a blob; a missing one is not an error."""
        ...

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]: ...

    def presigned_get(self, key: str, ttl: timedelta, content_type: str) -> str | None:
        """A URL a browser can fetch without credentials until ``ttl`` passes, or None if unsupported."""
        ...

    def presigned_post(self, key: str, size: int, ttl: timedelta) -> PresignedPost | None:
        """A form a browser can POST exactly ``size`` bytes to, or None if unsupported."""
        ...

    def copy(self, source: str, key: str) -> None:
        """Copy a blob inside the store (no bytes through this process where the store can do it)."""
        ...


@dataclass(frozen=True)
class Part:
    number: int
    size: int
    etag: str


class Multipart(Protocol):
    def create(self, key: str, content_type: str) -> str:
        """Start a multipart upload to ``key``; returns its upload id."""
        ...

    def presign_part(self, key: str, upload_id: str, number: int, ttl: timedelta) -> str: ...

    def parts(self, key: str, upload_id: str) -> list[Part]:
        """The parts received so far (an unknown or finished upload: BlobNotFound)."""
        ...

    def complete(self, key: str, upload_id: str, parts: list[Part]) -> None: ...

    def abort(self, key: str, upload_id: str) -> None:
        """Drop an upload and its parts; an unknown one is not an error."""
        ...


class LocalStorage:
    """Blobs as files under ``root`` (by default the instance folder's ``media/``)."""

    name = "local"

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        if not key or key.startswith("/") or ".." in key.split("/") or "\\" in key:
            raise ValueError(f"bad storage key {key!r}")
        return self.root / key

    def _atomic_write(self, key: str, write: Any) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            with open(tmp, "wb") as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)  # atomic on POSIX: readers see the old file or the new one
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put_file(self, key: str, path: str, content_type: str) -> None:
        def write(fh: IO[bytes]) -> None:
            with open(path, "rb") as src:
                shutil.copyfileobj(src, fh, 1024 * 1024)

        self._atomic_write(key, write)

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self._atomic_write(key, lambda fh: fh.write(data))

    def open(self, key: str) -> IO[bytes]:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc

    def download(self, key: str, path: str) -> None:
        with self.open(key) as src, open(path, "wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)

    def local_path(self, key: str) -> str | None:
        path = self._path(key)
        return str(path) if path.is_file() else None

    def stat(self, key: str) -> StoredObject | None:
        try:
            st = self._path(key).stat()
        except FileNotFoundError:
            return None
        return StoredObject(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        # Drop emptied shard directories, but never the root itself.
        for parent in path.parents:
            if parent == self.root or self.root not in parent.parents:
                break
            try:
                parent.rmdir()
            except OSError:
                break

    def iter_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        for dirpath, _dirs, files in os.walk(self.root):
            for name in files:
                if name.startswith("."):
                    continue  # an in-flight atomic write
                full = Path(dirpath) / name
                key = full.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    st = full.stat()
                    yield StoredObject(key, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))

    def presigned_get(self, key: str, ttl: timedelta, content_type: str) -> str | None:
        return None  # the server signs its own URLs for local files (media.signing)

    def presigned_post(self, key: str, size: int, ttl: timedelta) -> PresignedPost | None:
        return None

    def copy(self, source: str, key: str) -> None:
        src = self._path(source)
        if not src.is_file():
            raise BlobNotFound(source)
        self.put_file(key, str(src), "")

    multipart: Multipart | None = None  # the bytes come through the app (PUT, or resumable chunks)


def make_storage(config: Mapping[str, Any]) -> Storage:
    """The storage the settings ask for: ``MEDIA_BACKEND`` = ``local`` (default) or ``s3``."""
    backend = str(config.get("MEDIA_BACKEND") or "local")
    if backend == "local":
        return LocalStorage(str(config["MEDIA_ROOT"]))
    if backend == "s3":
        from .s3 import S3Storage

        return S3Storage.from_mapping(config)
    raise ValueError(f"MEDIA_BACKEND must be 'local' or 's3', got {backend!r}")
