"""Store a verified photo exactly once, whoever sends it and however often.

The order matters for "nothing half-written": the file is hashed and checked before anything is stored;
the original goes to storage before the database row, and the row and the job that makes its derivatives
are written in one transaction, so a row always means "the bytes are there and the derivatives are made or
coming" (``Photo.derivatives`` says which). If anything fails on the way, what this call stored is removed again
(unless another request stored the same bytes meanwhile — identical content, which it then owns).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import dialects
from domain.models import Photo, PhotoUploader, utcnow

from . import errors
from .errors import MediaError
from .images import inspect, render
from .jobs import enqueue
from .settings import MediaSettings
from .storage import Storage, photo_key

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
READ_SIZE = 1024 * 1024


def check_sha256(value: str) -> str:
    value = value.lower()
    if not SHA256_RE.match(value):
        raise MediaError(
            errors.BAD_NAME, "照片编号应为 64 位十六进制 SHA-256 / A photo is named by its 64-hex-digit SHA-256"
        )
    return value


def too_large(settings: MediaSettings) -> MediaError:
    mb = settings.max_bytes / (1024 * 1024)
    return MediaError(errors.TOO_LARGE, f"照片超过 {mb:.0f} MB 上限 / The photo is larger than the {mb:.0f} MB limit")


def mismatch() -> MediaError:
    return MediaError(
        errors.HASH_MISMATCH,
        "照片内容与其 SHA-256 不符，可能传输出错，请重传 / The bytes do not match the SHA-256; please upload again",
    )


@dataclass
class Spooled:
    path: str
    size: int
    sha256: str


@contextmanager
def spool(stream: IO[bytes], settings: MediaSettings, limit: int | None = None) -> Iterator[Spooled]:
    """Copy a stream to a temporary file, hashing as it goes; refuse past ``limit`` bytes. Always removed."""
    limit = settings.max_bytes if limit is None else limit
    fd, path = tempfile.mkstemp(prefix="upload-", dir=settings.tmp_dir)
    try:
        digest = hashlib.sha256()
        size = 0
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(READ_SIZE):
                size += len(chunk)
                if size > limit:
                    raise too_large(settings)
                digest.update(chunk)
                out.write(chunk)
        yield Spooled(path, size, digest.hexdigest())
    finally:
        os.unlink(path)


def hash_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(READ_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def insert_ignore(session: Session, model: type, values: dict[str, object], keys: list[str]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True if this call inserted the row. No savepoint needed."""
    stmt = dialects.of(session).insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
    # RETURNING says whether a row went in (rowcount is not reliable for this statement on every driver).
    inserted = session.execute(stmt.returning(*(getattr(model, k) for k in keys))).first()
    return inserted is not None


def _add_uploader(session: Session, sha256: str, user_id: int | None) -> None:
    if user_id is None:
        return
    exists = select(PhotoUploader.id).where(PhotoUploader.sha256 == sha256, PhotoUploader.user_id == user_id)
    if session.scalar(exists) is None:
        values = {"sha256": sha256, "user_id": user_id, "at": utcnow()}
        insert_ignore(session, PhotoUploader, values, ["sha256", "user_id"])


def _seen_again(session: Session, photo: Photo, user_id: int | None) -> Photo:
    photo.last_seen_at = utcnow()
    _add_uploader(session, photo.sha256, user_id)
    session.flush()
    return photo


def ingest(
    session: Session,
    storage: Storage,
    settings: MediaSettings,
    spooled: Spooled,
    sha256: str,
    user_id: int | None,
    derive_now: bool = False,
    source_key: str | None = None,
) -> tuple[Photo, bool]:
    """Store the spooled file as photo ``sha256``; returns (photo, created). Raises MediaError.

    The file is checked from its header (``images.inspect``: type, pixels, metadata, decode memory) and
    stored; its derivatives are queued for an image worker in the same transaction (``jobs.enqueue``), so
    the upload is acknowledged without waiting for them. ``derive_now`` makes them here instead, before the
    row is written (scripts, the demo, ``MEDIA_DERIVATIVES=inline``). ``source_key``: the same bytes are
    already in storage there (a direct upload), and are copied inside the store rather than sent again.
    """
    if spooled.sha256 != sha256:
        raise mismatch()
    existing = session.get(Photo, sha256)
    if existing is not None:
        return _seen_again(session, existing, user_id), False

    found = inspect(spooled.path, settings)
    done = render(spooled.path, settings, found) if derive_now else None
    written: list[str] = []
    try:
        if done is not None:
            for variant, data, mime in (
                ("thumb", done.thumb, done.derivative_mime),
                ("display", done.display, done.derivative_mime),
                ("clean", done.clean, done.clean_mime),
            ):
                if data is not None:
                    storage.put_bytes(photo_key(sha256, variant), data, mime)
                    written.append(photo_key(sha256, variant))
        if source_key is not None:
            storage.copy(source_key, photo_key(sha256))
        else:
            storage.put_file(photo_key(sha256), spooled.path, found.mime)
        written.append(photo_key(sha256))
        now = utcnow()
        created = insert_ignore(
            session,
            Photo,
            {
                "sha256": sha256,
                "size": spooled.size,
                "mime": found.mime,
                "width": found.width,
                "height": found.height,
                "derivative_mime": found.derivative_mime,
                "clean_mime": done.clean_mime if done else found.clean_mime,
                "taken_at": found.taken_at,
                "uploaded_by_id": user_id,
                "created_at": now,
                "last_seen_at": now,
                "derivatives": "ready" if done else "pending",
                "derivatives_at": now if done else None,
                "display_is_clean": done is not None and done.display is None,
            },
            ["sha256"],
        )
        if created and done is None:
            enqueue(session, sha256, now)
    except BaseException:
        if session.get(Photo, sha256) is None:
            _remove(storage, written)
        raise
    # Not created: another device sent the same photo at the same moment; same bytes, same keys, its row.
    photo = session.get(Photo, sha256, populate_existing=True)
    assert photo is not None
    _add_uploader(session, sha256, user_id)
    session.flush()
    return photo, created


def _remove(storage: Storage, keys: list[str]) -> None:
    for key in keys:
        with contextlib.suppress(Exception):  # best effort: the clean-up command removes what is left
            storage.delete(key)


def ingest_bytes(
    session: Session, storage: Storage, settings: MediaSettings, data: bytes, user_id: int | None = None
) -> tuple[Photo, bool]:
    """Store in-memory bytes (the demo's plan images, scripts); the hash is computed here."""
    fd, path = tempfile.mkstemp(prefix="photo-", dir=settings.tmp_dir)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        sha = hashlib.sha256(data).hexdigest()
        return ingest(session, storage, settings, Spooled(path, len(data), sha), sha, user_id, derive_now=True)
    finally:
        os.unlink(path)


def remove_photo_blobs(storage: Storage, sha256: str) -> None:
    _remove(storage, [photo_key(sha256, v) for v in ("thumb", "display", "clean", "original")])
