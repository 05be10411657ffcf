"""Shapes of defects as the API shows them."""

from marshmallow import Schema, fields, validate

from domain.models.enums import PHOTO_KINDS, SEVERITIES, STATUSES

from ..fields import Int
from ..query import QuerySchema
from .filters import DEFECT_FILTERS


class PhotoRefSchema(Schema):
    sha256 = fields.String()
    kind = fields.String(validate=validate.OneOf(PHOTO_KINDS))
    added_at = fields.DateTime()


class HistorySchema(Schema):
    at = fields.DateTime()
    user_id = fields.Integer(allow_none=True)
    device_id = fields.String(allow_none=True)
    action = fields.String()
    field = fields.String(allow_none=True)
    old = fields.Raw(allow_none=True)
    new = fields.Raw(allow_none=True)


class CommentSchema(Schema):
    id = fields.UUID()
    author_id = fields.Integer(allow_none=True)
    body = fields.String()
    created_at = fields.DateTime()


class DefectSchema(Schema):
    id = fields.UUID()
    project_id = fields.Integer()
    number = fields.Integer(allow_none=True, metadata={"description": "The defect's number in its project"})
    unit_id = fields.Integer()
    room_id = fields.Integer(allow_none=True)
    pin_x = fields.Float(allow_none=True)
    pin_y = fields.Float(allow_none=True)
    type_id = fields.Integer()
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    description = fields.String()
    reporter_id = fields.Integer(allow_none=True)
    inspection_id = fields.UUID(allow_none=True)
    contractor_id = fields.Integer(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    due_date = fields.Date(allow_none=True)
    repeat_count = fields.Integer()
    satisfaction = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    response_due_at = fields.DateTime(allow_none=True)
    fix_due_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    escalation_level = fields.Integer()
    owner_raised = fields.Boolean()
    visit_method = fields.String(allow_none=True)
    photos = fields.List(fields.Nested(PhotoRefSchema))


class DefectDetailSchema(DefectSchema):
    history = fields.List(fields.Nested(HistorySchema))
    comments = fields.List(fields.Nested(CommentSchema))


class PageSchema(QuerySchema):
    page = Int(load_default=1, validate=validate.Range(min=1))
    per_page = Int(load_default=100, validate=validate.Range(min=1, max=1000))


class DefectQuerySchema(PageSchema):
    """The defect list's query: paging plus every filter in filters.py (the export reads the same one)."""


DEFECT_FILTERS.install(DefectQuerySchema)
