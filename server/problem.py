"""The documented shape of every error (RFC 9457 problem details plus a stable ``code``)."""

from __future__ import annotations

from marshmallow import Schema, fields

PROBLEM_JSON = "application/problem+json"


class ProblemSchema(Schema):
    type = fields.String(metadata={"description": "/api/errors#<code>"})
    code = fields.String(required=True, metadata={"description": "Stable machine code; see x-error-codes"})
    title = fields.String(metadata={"description": "What the code means, in English"})
    status = fields.Integer()
    detail = fields.String(metadata={"description": "This case, in Chinese and English"})
    message = fields.String(metadata={"description": "Same as detail (older clients read this)"})
    errors = fields.Dict(metadata={"description": "Field errors by location, e.g. {json: {name: [..]}}"})
    params = fields.Dict(metadata={"description": "Values the client may use to word the error"})
