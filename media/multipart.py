"""Direct-to-S3 uploads in parts: the tablet sends the bytes to the bucket, never through the app servers.

The server opens a session (``PhotoUpload`` method ``s3_multi``) and a multipart upload in the bucket under
``incoming/<session>``, and hands out presigned PUT URLs for parts of ``s3_part_bytes`` (the last one
shorter). Which parts have arrived is asked of the bucket itself (``ListParts``), so a device that lost its
connection, or its whole state, asks and sends only the parts still missing. On ``complete`` the server
checks every part is there with the right size, has the bucket join them, then reads the object back once
to verify its SHA-256, type, pixels and metadata — and copies it to its place inside the bucket. The
session goes whatever the outcome; an abandoned one is aborted by ``uploads.expire``.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass

from sqlalchemy.orm import Session

from domain.models import PhotoUpload, utcnow

from . import errors
from .errors import MediaError
from .settings import MediaSettings
from .storage import BlobNotFound, Multipart, Part, Storage
from .uploads import Progress, _ingest_and_close, discard, incoming_key, mismatch, start

MAX_PARTS = 10_000  # S3's limit


def unavailable() -> MediaError:
    return MediaError(
        errors.DIRECT_UNAVAILABLE,
        "当前存储不支持直传，请使用普通上传 / Direct upload needs S3 storage; use PUT instead",
    )


def _multipart(storage: Storage) -> Multipart:
    if storage.multipart is None:
        raise unavailable()
    return storage.multipart


def part_count(upload: PhotoUpload, settings: MediaSettings) -> int:
    return max(1, math.ceil(upload.size / settings.s3_part_bytes))


def part_size(upload: PhotoUpload, settings: MediaSettings, number: int) -> int:
    return min(settings.s3_part_bytes, upload.size - (number - 1) * settings.s3_part_bytes)


def begin(
    session: Session, storage: Storage, settings: MediaSettings, user_id: int, sha256: str, size: int, mime: str
) -> PhotoUpload:
    """A session with its multipart upload in the bucket (this user's unfinished one for the photo, if any)."""
    multipart = _multipart(storage)
    upload = start(session, settings, user_id, sha256, size, mime, method="s3_multi")
    if math.ceil(size / settings.s3_part_bytes) > MAX_PARTS:
        raise MediaError(errors.TOO_MANY_PARTS, "文件分块过多 / The file needs too many parts")
    if upload.s3_upload_id is None:
        upload.s3_upload_id = multipart.create(incoming_key(upload.id), "application/octet-stream")
        session.flush()
    return upload


@dataclass
class PartUrl:
    part: int
    url: str
    size: int


def presign(storage: Storage, settings: MediaSettings, upload: PhotoUpload, numbers: list[int]) -> list[PartUrl]:
    multipart = _multipart(storage)
    total = part_count(upload, settings)
    bad = [n for n in numbers if not 1 <= n <= total]
    if bad:
        raise MediaError(errors.BAD_PART_NUMBER, f"分块编号应在 1 到 {total} 之间 / Part numbers run from 1 to {total}")
    assert upload.s3_upload_id is not None
    key = incoming_key(upload.id)
    return [
        PartUrl(
            n, multipart.presign_part(key, upload.s3_upload_id, n, settings.url_ttl), part_size(upload, settings, n)
        )
        for n in sorted(set(numbers))
    ]


def received(session: Session, storage: Storage, settings: MediaSettings, upload: PhotoUpload) -> list[Part]:
    """The parts the bucket holds with the size they should have (a short or long one is to be sent again)."""
    multipart = _multipart(storage)
    assert upload.s3_upload_id is not None
    try:
        parts = multipart.parts(incoming_key(upload.id), upload.s3_upload_id)
    except BlobNotFound as exc:
        discard(session, storage, upload)
        raise MediaError(
            errors.UPLOAD_BROKEN, "上传已失效，请重新开始 / The upload is gone from storage; please start again"
        ) from exc
    total = part_count(upload, settings)
    return [p for p in parts if 1 <= p.number <= total and p.size == part_size(upload, settings, p.number)]


def touch(session: Session, upload: PhotoUpload) -> None:
    upload.updated_at = utcnow()
    session.flush()


def complete(session: Session, storage: Storage, settings: MediaSettings, upload: PhotoUpload) -> Progress:
    """Join the parts in the bucket, verify the object like any upload, and record the photo."""
    multipart = _multipart(storage)
    parts = received(session, storage, settings, upload)
    missing = sorted(set(range(1, part_count(upload, settings) + 1)) - {p.number for p in parts})
    if missing:
        shown = ", ".join(map(str, missing[:20]))
        raise MediaError(
            errors.PARTS_MISSING, f"还缺分块 {shown}，请继续上传 / Parts {shown} have not arrived; send them first"
        )
    key = incoming_key(upload.id)
    assert upload.s3_upload_id is not None
    multipart.complete(key, upload.s3_upload_id, sorted(parts, key=lambda p: p.number))
    found = storage.stat(key)
    if found is None or found.size != upload.size:
        discard(session, storage, upload)
        raise mismatch()
    fd, path = tempfile.mkstemp(prefix="direct-", dir=settings.tmp_dir)
    os.close(fd)
    try:
        storage.download(key, path)
        return _ingest_and_close(session, storage, settings, upload, path, [key], source_key=key)
    finally:
        os.unlink(path)
