"""Request and response shapes of the sync API (see docs/sync-protocol.md)."""

from marshmallow import Schema, fields, validate

from ..fields import Id

DEVICE_ID = validate.Regexp(
    r"^[A-Za-z0-9_.\-]{1,64}$", error="设备编号格式错误 / device_id must be a UUID (at most 64 characters)"
)


class MutationSchema(Schema):
    seq = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**62))
    hlc = fields.String(required=True, validate=validate.Length(max=100))
    name = fields.String(required=True, validate=validate.Length(max=40))
    args = fields.Raw(load_default=dict, metadata={"description": "The mutation's arguments (an object)"})


class PushSchema(Schema):
    device_id = fields.String(required=True, validate=DEVICE_ID)
    mutations = fields.List(
        fields.Nested(MutationSchema),
        required=True,
        metadata={"description": "At most 500, in increasing seq order"},
    )


class ResultSchema(Schema):
    seq = fields.Integer()
    status = fields.String(validate=validate.OneOf(("applied", "merged", "duplicate", "conflict", "rejected")))
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
