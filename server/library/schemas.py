"""Shapes of the defect library."""

from marshmallow import Schema, fields, validate

from domain.models.enums import SEVERITIES

from ..fields import Id, Int


class DefectTypeSchema(Schema):
    id = fields.Integer(dump_only=True)
    area_id = Id(required=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_\-.]{1,40}$"))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=80))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=120))
    pinyin = fields.String(dump_only=True)
    default_severity = fields.String(load_default="B", validate=validate.OneOf(SEVERITIES))
    trade = fields.String(required=True, validate=validate.Length(min=1, max=40))
    category = fields.String(load_default="工程质量", validate=validate.Length(min=1, max=20))
    due_days = Int(load_default=30, validate=validate.Range(min=1, max=365))


class DefectAreaSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name_zh = fields.String()
    name_en = fields.String()
    types = fields.List(fields.Nested(DefectTypeSchema))
