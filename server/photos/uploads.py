"""Resumable chunked uploads, and direct browser uploads to S3 (one presigned POST, or presigned multipart
parts that resume) confirmed by the server afterwards."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from flask import request
from flask_smorest import Blueprint

from domain import policy
from domain.models import Photo
from media import multipart, uploads
from media.errors import MediaError

from ..accounts.auth import current_user, login_required
from ..http import abort, dbs
from . import media
from .schemas import (
    DirectUploadSchema,
    MultipartStateSchema,
    PartsRequestSchema,
    PartUrlsSchema,
    UploadOptionsSchema,
    UploadStartSchema,
    UploadStateSchema,
)
from .views import RAW_BODY, fail

blp = Blueprint("photo_uploads", __name__, url_prefix="/api", description="Resumable and direct photo uploads")


def _state(progress: uploads.Progress) -> dict[str, Any]:
    upload = progress.upload
    done = progress.photo is not None
    return {
        "upload_id": None if done else upload.id,
        "offset": upload.size if done else upload.offset,
        "size": upload.size,
        "photo": progress.photo,
    }


def _find(upload_id: uuid.UUID) -> Any:
    try:
        return uploads.find(dbs(), upload_id, current_user().id)
    except MediaError as exc:
        fail(exc)


@blp.route("/photos/uploads", methods=["POST"])
@login_required()
@blp.arguments(UploadStartSchema)
@blp.response(201, UploadStateSchema)
@blp.alt_response(200, schema=UploadStateSchema, description="The photo is already stored and visible to you")
def start_upload(body: dict[str, Any]) -> Any:
    """Start (or find again) a resumable upload; send the bytes with PUT /photos/uploads/<id>."""
    sha = body["sha256"].lower()
    user = current_user()
    photo = dbs().get(Photo, sha)
    if photo is not None and policy.can_see_photo(dbs(), user, sha):
        return {"upload_id": None, "offset": photo.size, "size": photo.size, "photo": photo}, 200
    m = media()
    try:
        upload = uploads.start(dbs(), m.settings, user.id, sha, body["size"], body["mime"])
    except MediaError as exc:
        fail(exc)
    return _state(uploads.Progress(upload)), 201


@blp.route("/photos/uploads/<uuid:upload_id>", methods=["GET"])
@login_required()
@blp.response(200, UploadStateSchema)
def upload_state(upload_id: uuid.UUID) -> Any:
    """How far an upload got: continue from ``offset``."""
    return _state(uploads.Progress(_find(upload_id)))


@blp.route("/photos/uploads/<uuid:upload_id>", methods=["PUT"])
@login_required()
@blp.doc(
    requestBody=RAW_BODY,
    parameters=[{"in": "header", "name": "Upload-Offset", "required": True, "schema": {"type": "integer"}}],
)
@blp.response(200, UploadStateSchema)
def put_chunk(upload_id: uuid.UUID) -> Any:
    """Append a chunk at ``Upload-Offset``; the last chunk completes the upload and returns the photo."""
    upload = _find(upload_id)
    raw = request.headers.get("Upload-Offset", "")
    if not raw.isdigit():
        abort(400, message="缺少 Upload-Offset 请求头 / The Upload-Offset header is missing or not a number")
    m = media()
    try:
        progress = uploads.append(dbs(), m.storage, m.settings, upload, int(raw), request.stream)
    except MediaError as exc:
        fail(exc)
    return _state(progress)


@blp.route("/photos/direct-uploads", methods=["POST"])
@login_required()
@blp.arguments(UploadStartSchema)
@blp.response(201, DirectUploadSchema)
def start_direct(body: dict[str, Any]) -> Any:
    """S3 only: a presigned POST form for uploading straight to the bucket (exactly ``size`` bytes).
    Then call ``/photos/direct-uploads/<id>/confirm``."""
    m = media()
    try:
        upload, form = uploads.start_direct(
            dbs(), m.storage, m.settings, current_user().id, body["sha256"].lower(), body["size"], body["mime"]
        )
    except MediaError as exc:
        fail(exc)
    return {"upload_id": upload.id, "url": form.url, "fields": form.fields, "expires_at": form.expires_at}


@blp.route("/photos/direct-uploads/<uuid:upload_id>/confirm", methods=["POST"])
@login_required()
@blp.response(200, UploadStateSchema)
def confirm_direct(upload_id: uuid.UUID) -> Any:
    """Check the object the browser uploaded (size, hash, content) and store it as a photo."""
    upload = _find(upload_id)
    m = media()
    try:
        progress = uploads.confirm_direct(dbs(), m.storage, m.settings, upload)
    except MediaError as exc:
        fail(exc)
    return _state(progress)


@blp.route("/photos/upload-options")
@login_required()
@blp.response(200, UploadOptionsSchema)
def upload_options() -> Any:
    """How this installation takes photos: straight to S3 in parts (``direct``), or through the app."""
    m = media()
    direct = m.storage.multipart is not None
    return {
        "direct": direct,
        "part_size": m.settings.s3_part_bytes if direct else None,
        "max_bytes": m.settings.max_bytes,
    }


def _multipart_state(upload: Any, received: list[int], photo: Any = None) -> dict[str, Any]:
    settings = media().settings
    return {
        "upload_id": None if photo is not None else upload.id,
        "size": upload.size,
        "part_size": settings.s3_part_bytes,
        "parts": multipart.part_count(upload, settings),
        "received": received,
        "photo": photo,
    }


def _find_multipart(upload_id: uuid.UUID) -> Any:
    upload = _find(upload_id)
    if upload.method != "s3_multi":
        abort(404, message="上传任务不存在或已结束 / No such upload (it may have finished or expired)")
    return upload


@blp.route("/photos/multipart-uploads", methods=["POST"])
@login_required()
@blp.arguments(UploadStartSchema)
@blp.response(201, MultipartStateSchema)
@blp.alt_response(200, schema=MultipartStateSchema, description="The photo is already stored and visible to you")
def start_multipart(body: dict[str, Any]) -> Any:
    """S3 only: start (or find again) an upload straight to the bucket in parts; then ask for part URLs,
    PUT the parts there, and ``complete``."""
    sha = body["sha256"].lower()
    user = current_user()
    photo = dbs().get(Photo, sha)
    if photo is not None and policy.can_see_photo(dbs(), user, sha):
        return {"upload_id": None, "size": photo.size, "part_size": 0, "parts": 0, "received": [], "photo": photo}, 200
    m = media()
    try:
        upload = multipart.begin(dbs(), m.storage, m.settings, user.id, sha, body["size"], body["mime"])
        received = [p.number for p in multipart.received(dbs(), m.storage, m.settings, upload)]
    except MediaError as exc:
        fail(exc)
    return _multipart_state(upload, received), 201


@blp.route("/photos/multipart-uploads/<uuid:upload_id>", methods=["GET"])
@login_required()
@blp.response(200, MultipartStateSchema)
def multipart_state(upload_id: uuid.UUID) -> Any:
    """Which parts the bucket holds: send the others."""
    upload = _find_multipart(upload_id)
    m = media()
    try:
        received = [p.number for p in multipart.received(dbs(), m.storage, m.settings, upload)]
    except MediaError as exc:
        fail(exc)
    return _multipart_state(upload, received)


@blp.route("/photos/multipart-uploads/<uuid:upload_id>/parts", methods=["POST"])
@login_required()
@blp.arguments(PartsRequestSchema)
@blp.response(200, PartUrlsSchema)
def multipart_urls(body: dict[str, Any], upload_id: uuid.UUID) -> Any:
    """Presigned URLs to PUT these parts to (each exactly its ``size`` bytes)."""
    upload = _find_multipart(upload_id)
    m = media()
    try:
        urls = multipart.presign(m.storage, m.settings, upload, body["parts"])
    except MediaError as exc:
        fail(exc)
    multipart.touch(dbs(), upload)
    expires_at = datetime.now(UTC) + m.settings.url_ttl
    return {"urls": [{"part": u.part, "url": u.url, "size": u.size} for u in urls], "expires_at": expires_at}


@blp.route("/photos/multipart-uploads/<uuid:upload_id>/complete", methods=["POST"])
@login_required()
@blp.response(200, UploadStateSchema)
def complete_multipart(upload_id: uuid.UUID) -> Any:
    """Join the parts and verify the object (size, SHA-256, type, pixels, metadata); returns the photo."""
    upload = _find_multipart(upload_id)
    m = media()
    try:
        progress = multipart.complete(dbs(), m.storage, m.settings, upload)
    except MediaError as exc:
        fail(exc)
    return _state(progress)


@blp.route("/photos/multipart-uploads/<uuid:upload_id>", methods=["DELETE"])
@login_required()
@blp.response(204)
def abort_multipart(upload_id: uuid.UUID) -> Any:
    """Give an upload up; its parts are removed from the bucket."""
    upload = _find_multipart(upload_id)
    uploads.discard(dbs(), media().storage, upload)
    return None
