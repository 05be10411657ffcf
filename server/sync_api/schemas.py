"""Request and response shapes of the sync API (see docs/sync-protocol.md). The push body is not here: it
is published from the structs that validate it (``PUSH_BODY``)."""

from typing import Any

from marshmallow import Schema, fields, validate

from sync import envelope

from ..fields import Id


def openapi(schema: Any) -> Any:
    """A JSON Schema (as msgspec writes it) in OpenAPI 3.0's dialect: ``anyOf [X, null]`` becomes
    ``X`` with ``nullable: true``, and an empty ``required`` list is left out."""
    if isinstance(schema, list):
        return [openapi(v) for v in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: openapi(v) for k, v in schema.items() if not (k == "required" and v == [])}
    options = out.get("anyOf")
    if isinstance(options, list) and {"type": "null"} in options:
        rest = [o for o in options if o != {"type": "null"}]
        del out["anyOf"]
        if len(rest) == 1:
            out.update(rest[0])
        else:
            out["anyOf"] = rest
        out["nullable"] = True
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
    return out


# The push body, generated from the msgspec structs that validate it (sync.envelope, sync.mutations).
PUSH_BODY = openapi(envelope.json_schema())


class ResultSchema(Schema):
    seq = fields.Integer()
    status = fields.String(validate=validate.OneOf(("applied", "merged", "duplicate", "conflict", "rejected")))
    code = fields.String(metadata={"description": "Why, for a rejected or conflict result (a stable error code)"})
    hlc = fields.String(metadata={"description": "The stamp the server gave a mutation whose clock was too far ahead"})
    message = fields.String()
    conflict_id = fields.Integer(allow_none=True)
    replayed = fields.Boolean(metadata={"description": "True when this (device, seq) was applied before"})
    defect = fields.Dict(metadata={"description": "The server's state of the defect, when it differs"})


class PushResultSchema(Schema):
    results = fields.List(fields.Nested(ResultSchema))
    hlc = fields.String(metadata={"description": "The server's clock; devices observe it"})


class PullQuerySchema(Schema):
    cursor = fields.String(load_default="", metadata={"description": "Opaque; empty for a first pull"})
    project_id = Id()
    limit = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=5000))


class ChangeSchema(Schema):
    kind = fields.String(validate=validate.OneOf(("defect", "comment", "conflict")))
    id = fields.String()
    op = fields.String(validate=validate.OneOf(("upsert", "delete", "evict")))
    data = fields.Dict(allow_none=True)


class PullResultSchema(Schema):
    changes = fields.List(fields.Nested(ChangeSchema))
    cursor = fields.String()
    more = fields.Boolean()
    total = fields.Integer(
        metadata={
            "description": "On the first page of a snapshot (an empty cursor, or the cursor of a reset page) "
            "only: how many defects the snapshot holds, for the device's progress bar."
        }
    )
    reset = fields.Boolean(
        required=True,
        metadata={
            "description": "True when the user's scope changed since the cursor: no changes, and the cursor "
            "starts a new snapshot; the device downloads it and then drops what it did not send (except "
            "defects with unsynced mutations). False on every other page."
        },
    )


class ConflictSchema(Schema):
    id = fields.Integer()
    defect_id = fields.String()
    kind = fields.String(metadata={"description": "stale | not_allowed"})
    message = fields.String()
    ours = fields.Dict()
    theirs = fields.Dict()
    status = fields.String(validate=validate.OneOf(("open", "resolved")))
    device_id = fields.String(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    user_name = fields.String(allow_none=True, metadata={"description": "who made the change (display name)"})
    created_at = fields.String()
    resolved_at = fields.String(allow_none=True)
    resolution = fields.String(allow_none=True)
    note = fields.String()


class ConflictQuerySchema(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(("open", "resolved", "all")))
    project_id = Id()
    defect_id = fields.UUID()


class ResolveSchema(Schema):
    choice = fields.String(required=True, validate=validate.OneOf(("ours", "theirs")))
    note = fields.String(load_default="", validate=validate.Length(max=2000))
