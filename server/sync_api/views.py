"""POST /api/sync/push, GET /api/sync/pull, conflicts. The rules live in ``sync``; these translate HTTP."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, request
from flask_smorest import Blueprint, abort
from isal import igzip
from werkzeug.exceptions import HTTPException

from sync import conflicts as conflict_service
from sync import envelope
from sync import pull as pull_service
from sync import push as push_service
from sync.feed import CursorError

from .. import uow
from ..accounts.auth import current_user, login_required
from ..extensions import db
from .schemas import (
    PUSH_BODY,
    ConflictQuerySchema,
    ConflictSchema,
    PullQuerySchema,
    PullResultSchema,
    PushResultSchema,
    ResolveSchema,
)

blp = Blueprint("sync", __name__, url_prefix="/api/sync", description="Offline sync: push, pull, conflicts")
GZIP_MIN = 1024
# Intel's ISA-L gzip at level 1 writes a 5,000-defect page about 6× faster than zlib at its fastest
# level, and smaller (the bulk is random ids and photo hashes, which no level compresses much).
GZIP_LEVEL = 1


def _json(data: Any, status: int = 200) -> Response:
    body = orjson.dumps(data)
    headers = {"Vary": "Accept-Encoding"}
    if len(body) >= GZIP_MIN and "gzip" in request.headers.get("Accept-Encoding", "").lower():
        body = igzip.compress(body, GZIP_LEVEL)
        headers["Content-Encoding"] = "gzip"
    return Response(body, status=status, mimetype="application/json", headers=headers)


@blp.route("/push", methods=["POST"])
@login_required()
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": PUSH_BODY}}})
@blp.response(200, PushResultSchema)
@blp.alt_response(400, response="DEFAULT_ERROR", description="The body is not JSON")
@blp.alt_response(409, description="A sequence number from the future; the body has expected_seq")
@blp.alt_response(403, description="The device id belongs to another user")
@blp.alt_response(413, description="More than 500 mutations")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@uow.races
def push() -> Any:
    """Apply a device's mutations exactly once; one result per mutation, in the same order."""
    # The envelope of a 100-mutation push is decoded and checked by msgspec in one pass; the documented
    # body (PUSH_BODY) is generated from the same structs.
    try:
        body = envelope.decode(request.get_data(cache=True))
    except envelope.EnvelopeError as exc:
        errors = {"json": {exc.field or "_schema": [exc.message]}} if exc.status == 422 else None
        abort(exc.status, message=exc.message, **({"errors": errors} if errors else {}))
    try:
        outcome = push_service.push(db.session(), current_user(), body["device_id"], body["mutations"])
    except push_service.PushError as exc:
        if exc.status == 409:
            # Raised with the protocol's own body (expected_seq), so the unit of work rolls the push back.
            refusal = {"code": 409, "status": "Conflict", "message": exc.message, **exc.extra}
            raise HTTPException(response=_json(refusal, 409)) from exc
        abort(exc.status, message=exc.message)
    return _json({"results": outcome.results, "hlc": outcome.hlc})


@blp.route("/pull")
@login_required()
@blp.arguments(PullQuerySchema, location="query")
@blp.response(200, PullResultSchema)
def pull(query: dict[str, Any]) -> Any:
    """Changes after the cursor within the caller's scope, gzip-compressed when accepted."""
    try:
        page = pull_service.pull(db.session(), current_user(), query["cursor"], query.get("project_id"), query["limit"])
    except CursorError as exc:
        abort(400, message=str(exc))
    return _json(page)


@blp.route("/conflicts")
@login_required()
@blp.arguments(ConflictQuerySchema, location="query")
@blp.response(200, ConflictSchema(many=True))
def list_conflicts(query: dict[str, Any]) -> Any:
    """Conflicts on defects the caller may see (open ones by default)."""
    state = None if query["status"] == "all" else query["status"]
    return conflict_service.list_conflicts(
        db.session(), current_user(), state, query.get("project_id"), query.get("defect_id")
    )


@blp.route("/conflicts/<int:conflict_id>/resolve", methods=["POST"])
@login_required()
@blp.arguments(ResolveSchema)
@blp.response(200, ConflictSchema)
def resolve_conflict(body: dict[str, Any], conflict_id: int) -> Any:
    """Keep the server's state ("ours") or apply the device's change now ("theirs"), if the resolver may
    take that action on the defect as it is now (403/409 with a code otherwise)."""
    return conflict_service.resolve(db.session(), current_user(), conflict_id, body["choice"], body["note"])
