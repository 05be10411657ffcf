"""Photos by content hash: upload, read (by bearer or by short-lived signed URL) and annotations.

A photo is served only to users who may see it (``policy.can_see_photo``); to anyone else it does not
exist (404), whether they ask by hash, for a URL, or with a signed URL made for someone else's photo
once it has expired.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NoReturn

from flask import Response, current_app, jsonify, request, send_file, url_for
from flask_smorest import Blueprint

from domain import policy, transaction
from domain.models import Photo, PhotoAnnotation
from media import annotate
from media import errors as media_errors
from media.errors import MediaError
from media.ingest import check_sha256, ingest, spool, too_large
from media.signing import sign, verify
from media.storage import BlobNotFound, LocalStorage, photo_key

from ..accounts.auth import current_user, login_required
from ..http import abort, dbs
from . import media
from .schemas import AnnotationSchema, PhotoSchema, PhotoUrlSchema, SignedQuerySchema, SizeQuerySchema

blp = Blueprint("photos", __name__, url_prefix="/api", description="Photos, by the SHA-256 of their bytes")

NOT_FOUND = "照片不存在或无权查看 / No such photo, or you may not see it"
RAW_BODY = {
    "required": True,
    "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in ("image/jpeg", "image/png")},
}


def fail(exc: MediaError) -> NoReturn:
    """Refuse, keeping the clean-up a failed upload did (its session removed, its stored parts deleted)."""
    raise transaction.keeping(exc)


def _visible_photo(sha256: str) -> Photo:
    try:
        sha256 = check_sha256(sha256)
    except MediaError:
        abort(404, message=NOT_FOUND)
    photo = dbs().get(Photo, sha256)
    if photo is None or not policy.can_see_photo(dbs(), current_user(), sha256):
        abort(404, message=NOT_FOUND)
    return photo


def _variant(photo: Photo, size: str) -> tuple[str, str]:
    """Storage key and content type served for a size (a display-sized photo's display is its clean copy)."""
    if size == "thumb" or (size == "display" and not photo.display_is_clean):
        return photo_key(photo.sha256, size), photo.derivative_mime
    if media().settings.keep_gps and size == "original":
        return photo_key(photo.sha256), photo.mime
    return photo_key(photo.sha256, "clean"), photo.clean_mime


def _not_ready(photo: Photo, size: str) -> Response | None:
    """While an image worker has not made the size asked for: 202 and when to ask again (the device shows
    its own copy meanwhile). A photo whose derivatives could not be made is not served."""
    if photo.derivatives == "ready" or (size == "original" and media().settings.keep_gps):
        return None
    if photo.derivatives == "failed":
        abort(404, message="照片无法处理，请重新拍摄上传 / The photo could not be processed; please take it again")
    response = jsonify({"sha256": photo.sha256, "derivatives": "pending"})
    response.status_code = 202
    response.headers["Retry-After"] = "2"
    response.headers["Cache-Control"] = "no-store"
    return response


def _send(photo: Photo, size: str) -> Response:
    pending = _not_ready(photo, size)
    if pending is not None:
        return pending
    key, mime = _variant(photo, size)
    storage = media().storage
    source: Any = storage.local_path(key) if isinstance(storage, LocalStorage) else None
    if source is None:
        try:
            source = storage.open(key)
        except BlobNotFound:
            abort(404, message=NOT_FOUND)
    response = send_file(source, mimetype=mime, etag=f"{photo.sha256}-{size}", conditional=True, max_age=None)
    # Content-addressed: the bytes behind this URL never change. Private: access depends on the user.
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("/photos/<sha256>", methods=["PUT"])
@login_required()
@blp.doc(requestBody=RAW_BODY)
@blp.response(201, PhotoSchema, description="Stored now")
@blp.alt_response(200, schema=PhotoSchema, description="Already stored (the upload was a retry)")
def put_photo(sha256: str) -> Any:
    """Upload a photo whose SHA-256 is in the URL; idempotent, the server checks the hash and the content.

    Acknowledged once the bytes are stored and checked (hash, type, pixels, metadata); ``derivatives`` is
    ``pending`` until an image worker has made the thumbnail and display copy."""
    try:
        sha256 = check_sha256(sha256)
    except MediaError as exc:
        fail(exc)
    m = media()
    if request.content_length is not None and request.content_length > m.settings.max_bytes:
        fail(too_large(m.settings))
    user = current_user()
    try:
        with spool(request.stream, m.settings) as spooled:
            if spooled.size == 0:
                raise MediaError(media_errors.EMPTY, "请求中没有照片内容 / The request has no photo bytes")
            inline = m.settings.derivatives == "inline"
            photo, created = ingest(dbs(), m.storage, m.settings, spooled, sha256, user.id, derive_now=inline)
    except MediaError as exc:
        fail(exc)
    return photo, 201 if created else 200


@blp.route("/photos/<sha256>")
@login_required()
@blp.arguments(SizeQuerySchema, location="query")
def get_photo(query: dict[str, Any], sha256: str) -> Any:
    """The photo's bytes: ``thumb`` (~320 px), ``display`` (~1600 px) or ``original`` (metadata removed)."""
    return _send(_visible_photo(sha256), query["size"])


@blp.route("/photos/<sha256>/info")
@login_required()
@blp.response(200, PhotoSchema)
def photo_info(sha256: str) -> Any:
    """Size, type and capture time of a photo."""
    return _visible_photo(sha256)


@blp.route("/photos/<sha256>/url")
@login_required()
@blp.arguments(SizeQuerySchema, location="query")
@blp.response(200, PhotoUrlSchema)
def photo_url(query: dict[str, Any], sha256: str) -> Any:
    """A short-lived URL for ``<img src>``: a presigned S3 URL, or a server URL with an HMAC signature."""
    photo = _visible_photo(sha256)
    m = media()
    key, mime = _variant(photo, query["size"])
    ttl = m.settings.url_ttl
    # While the derivatives are pending the bucket has nothing to give: the server's URL answers 202.
    url = m.storage.presigned_get(key, ttl, mime) if _not_ready(photo, query["size"]) is None else None
    if url is not None:
        return {"url": url, "expires_at": datetime.now(UTC) + ttl}
    expires, sig = sign(current_app.config["SECRET_KEY"], photo.sha256, query["size"], ttl)
    url = url_for("photos.signed_photo", sha256=photo.sha256, size=query["size"], expires=expires, sig=sig)
    return {"url": url, "expires_at": datetime.fromtimestamp(expires, UTC)}


@blp.route("/photos/<sha256>/signed")
@blp.arguments(SignedQuerySchema, location="query")
def signed_photo(query: dict[str, Any], sha256: str) -> Any:
    """The photo's bytes by a signed URL from ``/url`` (no bearer header; 404 once expired)."""
    secret = current_app.config["SECRET_KEY"]
    if not verify(secret, sha256.lower(), query["size"], query["expires"], query["sig"]):
        abort(404, message="链接无效或已过期 / The link is invalid or has expired")
    photo = dbs().get(Photo, sha256.lower())
    if photo is None:
        abort(404, message=NOT_FOUND)
    return _send(photo, query["size"])


@blp.route("/photos/<sha256>/annotations", methods=["GET"])
@login_required()
@blp.response(200, AnnotationSchema)
def get_annotations(sha256: str) -> Any:
    """The mark-up drawn over a photo (empty if none). It is written through sync (``photo.annotate``);
    ``clock`` is the stamp to send as that mutation's ``base``."""
    photo = _visible_photo(sha256)
    found = dbs().get(PhotoAnnotation, photo.sha256)
    return found or {"shapes": [], "updated_at": None, "updated_by_id": None, "clock": ""}


@blp.route("/photos/<sha256>/annotated")
@login_required()
def annotated(sha256: str) -> Any:
    """The display-size photo with its mark-up drawn in, as a JPEG (for reports)."""
    photo = _visible_photo(sha256)
    m = media()
    found = dbs().get(PhotoAnnotation, photo.sha256)
    pending = _not_ready(photo, "display")
    if pending is not None:
        return pending
    try:
        with m.storage.open(_variant(photo, "display")[0]) as fh:
            source = fh.read()
    except BlobNotFound:
        abort(404, message=NOT_FOUND)
    data = annotate.render_jpeg(source, found.shapes if found else [], current_app.config.get("MEDIA_FONT"))
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-cache"
    return response
