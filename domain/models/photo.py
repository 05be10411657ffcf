"""Photo blobs by content hash, who uploaded them, resumable upload sessions and annotations.

A photo's identity is the SHA-256 of the bytes the device took, so a defect can name its photos before
they arrive and a retried upload stores nothing twice. The original bytes are kept untouched; the
derivatives (thumbnail, display size, a metadata-stripped original) sit beside them in storage.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, new_uuid, utcnow


class Photo(Base):
    __tablename__ = "photos"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)  # bytes of the original
    mime: Mapped[str] = mapped_column(String(20))  # sniffed from the bytes, never taken from the client
    width: Mapped[int] = mapped_column(Integer)  # as displayed, after EXIF orientation
    height: Mapped[int] = mapped_column(Integer)
    derivative_mime: Mapped[str] = mapped_column(String(20))  # thumb and display
    clean_mime: Mapped[str] = mapped_column(String(20))  # the served "original", personal metadata removed
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # EXIF DateTimeOriginal
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped by every upload of the same bytes: the clean-up grace period counts from the last one.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The thumbnail, display copy and metadata-free original are made after the upload is acknowledged,
    # by an image worker (a PhotoJob): pending | ready | failed; when they were ready.
    derivatives: Mapped[str] = mapped_column(String(10), default="ready", server_default="ready")
    derivatives_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A display-sized photo gets no display copy: its metadata-free original is served as "display".
    display_is_clean: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class PhotoUploader(Base):
    """Everyone who sent these exact bytes may read them back before a defect refers to them."""

    __tablename__ = "photo_uploaders"
    __table_args__ = (UniqueConstraint("sha256", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PhotoUpload(Base):
    """A resumable upload in progress. Its state is here and in storage, so any worker can continue it."""

    __tablename__ = "photo_uploads"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_uuid)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(40), default="")  # as declared; the bytes decide
    method: Mapped[str] = mapped_column(String(10), default="chunked")  # chunked | s3_post | s3_multi
    s3_upload_id: Mapped[str | None] = mapped_column(String(255))  # the bucket's multipart upload (s3_multi)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    chunks: Mapped[list[PhotoUploadChunk]] = relationship(
        order_by="PhotoUploadChunk.offset", cascade="all, delete-orphan", passive_deletes=True
    )


class PhotoUploadChunk(Base):
    __tablename__ = "photo_upload_chunks"
    __table_args__ = (UniqueConstraint("upload_id", "offset"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    upload_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("photo_uploads.id", ondelete="CASCADE"), index=True)
    offset: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(200))


class PhotoAnnotation(Base):
    """Vector mark-up (arrows, circles, text) drawn over a photo; the photo itself is never changed."""

    __tablename__ = "photo_annotations"

    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256", ondelete="CASCADE"), primary_key=True)
    shapes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The HLC stamp of the write that made this version (sync's photo.annotate: the last writer wins).
    clock: Mapped[str] = mapped_column(String(84), default="", server_default="")


class PhotoJob(Base):
    """Derivatives still to make for a photo: a transactional outbox read by image workers.

    Written in the same transaction as the photo's row, so an acknowledged photo always has its job. A
    worker claims a job with ``FOR UPDATE SKIP LOCKED`` and leases it until ``available_at``: if the worker
    dies, the lease runs out and another takes the job up again (``attempts`` counts the tries). A finished
    job is deleted; one that failed for good stays, ``state`` "failed", with its error.
    """

    __tablename__ = "photo_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("photos.sha256", ondelete="CASCADE"), unique=True)
    state: Mapped[str] = mapped_column(String(10), default="queued")  # queued | running | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    lease: Mapped[str | None] = mapped_column(String(32))  # the claim's token: only its holder finishes it
    worker: Mapped[str] = mapped_column(String(120), default="")
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
