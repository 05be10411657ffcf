"""Resumable uploads for photos too large to send in one request over a weak uplink.

A session records the expected hash and size; each chunk is stored as its own blob under
``uploads/<id>/`` and recorded in the database, and the session's offset only moves forward by a
conditional UPDATE, so two workers (or a retried request) can never both append at the same offset.
When the offset reaches the size, the chunks are joined, hashed and ingested like a single upload, and
the session and its chunks are removed. Nothing is held in memory between requests.

Direct-to-S3 uploads use the same session table (method ``s3_post``): the browser POSTs the bytes to a
temporary key, and ``confirm_direct`` checks and ingests them.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from domain.models import Photo, PhotoUpload, PhotoUploadChunk, utcnow

from . import errors
from .errors import MediaError
from .images import NOT_AN_IMAGE, sniff
from .ingest import Spooled, hash_file, ingest, mismatch, too_large
from .settings import MediaSettings
from .storage import BlobNotFound, PresignedPost, Storage

MAX_CHUNK_BYTES = 16 * 1024 * 1024


@dataclass
class Progress:
    upload: PhotoUpload
    photo: Photo | None = None  # set once the upload is complete
    created: bool = False


def incoming_key(upload_id: uuid.UUID) -> str:
    return f"incoming/{upload_id}"


def start(
    session: Session,
    settings: MediaSettings,
    user_id: int,
    sha256: str,
    size: int,
    mime: str,
    method: str = "chunked",
    now: datetime | None = None,
) -> PhotoUpload:
    """A new session, or this user's unfinished one for the same photo (a device that lost the upload id).

    A user holds at most ``max_open_uploads`` unfinished sessions and ``max_open_upload_bytes`` declared
    bytes in them (a device uploads a few photos at a time; nobody parks storage in abandoned sessions).
    Sessions untouched for ``upload_ttl`` are abandoned: ``expire`` removes them, and they no longer count.
    """
    now = now or utcnow()
    if size <= 0:
        raise MediaError(errors.EMPTY, "文件大小应大于 0 / The size must be more than 0 bytes")
    if size > settings.max_bytes:
        raise too_large(settings)
    live = PhotoUpload.updated_at >= now - settings.upload_ttl
    existing = session.scalar(
        select(PhotoUpload)
        .where(PhotoUpload.user_id == user_id, PhotoUpload.sha256 == sha256, PhotoUpload.method == method, live)
        .order_by(PhotoUpload.created_at)
        .limit(1)
    )
    if existing is not None and existing.size == size:
        return existing
    count, held = session.execute(
        select(func.count(), func.coalesce(func.sum(PhotoUpload.size), 0)).where(PhotoUpload.user_id == user_id, live)
    ).one()
    if count >= settings.max_open_uploads or held + size > settings.max_open_upload_bytes:
        raise MediaError(
            errors.TOO_MANY_OPEN,
            f"未完成的上传过多（上限 {settings.max_open_uploads} 个、"
            f"{settings.max_open_upload_bytes // (1024 * 1024)} MB），请先完成或等待已有上传 / Too many unfinished "
            f"uploads (limit {settings.max_open_uploads}, {settings.max_open_upload_bytes // (1024 * 1024)} MB); "
            "finish the ones under way first",
        )
    upload = PhotoUpload(
        user_id=user_id, sha256=sha256, size=size, mime=mime[:40], method=method, created_at=now, updated_at=now
    )
    session.add(upload)
    session.flush()
    return upload


def find(session: Session, upload_id: uuid.UUID, user_id: int) -> PhotoUpload:
    upload = session.get(PhotoUpload, upload_id)
    if upload is None or upload.user_id != user_id:
        raise MediaError(
            errors.UPLOAD_NOT_FOUND, "上传任务不存在或已结束 / No such upload (it may have finished or expired)"
        )
    return upload


def append(
    session: Session,
    storage: Storage,
    settings: MediaSettings,
    upload: PhotoUpload,
    offset: int,
    stream: io.BufferedIOBase | io.RawIOBase | object,
) -> Progress:
    """Store one chunk at ``offset`` (which must be the session's offset) and finish when it is complete."""
    if upload.method != "chunked":
        raise MediaError(errors.WRONG_KIND, "此上传任务不接受分块 / This upload does not take chunks")
    if offset != upload.offset:
        raise MediaError(
            errors.OFFSET_MISMATCH,
            f"上传位置应为 {upload.offset}，请从该处继续 / Upload-Offset must be {upload.offset}; continue from there",
        )
    remaining = upload.size - upload.offset
    chunk = _read_limited(stream, min(remaining, MAX_CHUNK_BYTES))
    if offset == 0 and chunk and sniff(chunk[:64]) is None:
        raise MediaError(errors.NOT_AN_IMAGE, NOT_AN_IMAGE)
    if chunk:
        key = f"uploads/{upload.id}/{offset:012d}-{secrets.token_hex(4)}"
        storage.put_bytes(key, chunk, "application/octet-stream")
        moved = session.execute(
            update(PhotoUpload)
            .where(PhotoUpload.id == upload.id, PhotoUpload.offset == offset)
            .values(offset=offset + len(chunk), updated_at=utcnow())
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            storage.delete(key)  # a concurrent request appended this range first
            session.refresh(upload)
            raise MediaError(
                errors.OFFSET_MISMATCH,
                f"上传位置已变为 {upload.offset}，请从该处继续 / "
                f"The upload moved on to {upload.offset}; continue from there",
            )
        session.add(PhotoUploadChunk(upload_id=upload.id, offset=offset, size=len(chunk), key=key))
        session.flush()
        session.refresh(upload)
    if upload.offset < upload.size:
        return Progress(upload)
    return finish(session, storage, settings, upload)


def _read_limited(stream: object, limit: int) -> bytes:
    read = getattr(stream, "read")  # noqa: B009 - werkzeug streams and files alike
    data = read(limit + 1)
    if len(data) > limit:
        raise MediaError(
            errors.CHUNK_TOO_LONG,
            "分块超出剩余大小或单块上限 / The chunk is longer than what remains or the chunk size limit",
        )
    return bytes(data)


def finish(session: Session, storage: Storage, settings: MediaSettings, upload: PhotoUpload) -> Progress:
    """Join the chunks, verify the hash and ingest; the session goes whatever the outcome."""
    chunks = session.scalars(
        select(PhotoUploadChunk).where(PhotoUploadChunk.upload_id == upload.id).order_by(PhotoUploadChunk.offset)
    ).all()
    fd, path = tempfile.mkstemp(prefix="upload-", dir=settings.tmp_dir)
    try:
        expected = 0
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                if chunk.offset != expected:
                    raise MediaError(
                        errors.UPLOAD_BROKEN, "上传分块不连续，请重新上传 / The upload has a gap; please start again"
                    )
                with storage.open(chunk.key) as src:
                    shutil.copyfileobj(src, out, 1024 * 1024)
                expected += chunk.size
        return _ingest_and_close(session, storage, settings, upload, path, [c.key for c in chunks])
    except BlobNotFound as exc:
        discard(session, storage, upload)
        raise MediaError(
            errors.UPLOAD_BROKEN, "上传分块已丢失，请重新上传 / Part of the upload is gone; please start again"
        ) from exc
    finally:
        os.unlink(path)


def _ingest_and_close(
    session: Session,
    storage: Storage,
    settings: MediaSettings,
    upload: PhotoUpload,
    path: str,
    keys: list[str],
    source_key: str | None = None,
) -> Progress:
    size = os.path.getsize(path)
    sha = hash_file(path)
    try:
        if size != upload.size or sha != upload.sha256:
            raise mismatch()
        photo, created = ingest(
            session,
            storage,
            settings,
            Spooled(path, size, sha),
            upload.sha256,
            upload.user_id,
            derive_now=settings.derivatives == "inline",
            source_key=source_key,
        )
    except MediaError:
        discard(session, storage, upload, keys)
        raise
    discard(session, storage, upload, keys)
    return Progress(upload, photo, created)


def expire(session: Session, storage: Storage, settings: MediaSettings, now: datetime | None = None) -> int:
    """Remove sessions untouched for ``upload_ttl`` and what they stored; commits each. Returns how many.

    Safe on several machines at once: each session is locked (``SKIP LOCKED``) while it goes."""
    cutoff = (now or utcnow()) - settings.upload_ttl
    removed = 0
    while True:
        upload = session.scalar(
            select(PhotoUpload)
            .where(PhotoUpload.updated_at < cutoff)
            .order_by(PhotoUpload.updated_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if upload is None:
            session.rollback()
            return removed
        discard(session, storage, upload)
        session.commit()
        removed += 1


def discard(session: Session, storage: Storage, upload: PhotoUpload, keys: list[str] | None = None) -> None:
    """Remove a session and its stored parts (a multipart upload in the bucket is aborted)."""
    if keys is None:
        keys = list(session.scalars(select(PhotoUploadChunk.key).where(PhotoUploadChunk.upload_id == upload.id)).all())
    if upload.method in ("s3_post", "s3_multi"):
        keys.append(incoming_key(upload.id))
    if upload.method == "s3_multi" and upload.s3_upload_id and storage.multipart is not None:
        with contextlib.suppress(Exception):  # the bucket's lifecycle rule aborts what is left
            storage.multipart.abort(incoming_key(upload.id), upload.s3_upload_id)
    session.execute(delete(PhotoUploadChunk).where(PhotoUploadChunk.upload_id == upload.id))
    session.execute(delete(PhotoUpload).where(PhotoUpload.id == upload.id))
    session.expunge(upload)
    session.flush()
    for key in keys:
        with contextlib.suppress(Exception):
            storage.delete(key)


def start_direct(
    session: Session, storage: Storage, settings: MediaSettings, user_id: int, sha256: str, size: int, mime: str
) -> tuple[PhotoUpload, PresignedPost]:
    upload = start(session, settings, user_id, sha256, size, mime, method="s3_post")
    form = storage.presigned_post(incoming_key(upload.id), size, settings.url_ttl)
    if form is None:
        raise MediaError(
            errors.DIRECT_UNAVAILABLE,
            "当前存储不支持直传，请使用普通上传 / Direct upload needs S3 storage; use PUT instead",
        )
    return upload, form


def confirm_direct(session: Session, storage: Storage, settings: MediaSettings, upload: PhotoUpload) -> Progress:
    """The browser says it has POSTed the bytes: check the object, then ingest it like any upload."""
    if upload.method != "s3_post":
        raise MediaError(errors.WRONG_KIND, "此上传任务不是直传 / This upload is not a direct upload")
    key = incoming_key(upload.id)
    found = storage.stat(key)
    if found is None:
        raise MediaError(errors.NOT_ARRIVED, "尚未收到上传的文件 / The file has not arrived yet")
    if found.size != upload.size:
        discard(session, storage, upload)
        raise mismatch()
    fd, path = tempfile.mkstemp(prefix="direct-", dir=settings.tmp_dir)
    os.close(fd)
    try:
        storage.download(key, path)
        return _ingest_and_close(session, storage, settings, upload, path, [key], source_key=key)
    finally:
        os.unlink(path)
