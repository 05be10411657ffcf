"""Request and response shapes for projects, buildings, 户型, units, contractors and inspections."""

from flask_smorest.fields import Upload
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from domain.models.enums import INSPECTION_KINDS

from ..fields import Id, Int
from ..query import QuerySchema

Norm = validate.Range(min=0.0, max=1.0)


class ProjectSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_\-]{1,40}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    city = fields.String(load_default="", validate=validate.Length(max=80))
    delivery_date = fields.Date(allow_none=True, load_default=None)


class BuildingSchema(Schema):
    id = fields.Integer(dump_only=True)
    project_id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    floors = Int(load_default=1, validate=validate.Range(min=1, max=200))


class RoomSchema(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    x0 = fields.Float(load_default=0.0, validate=Norm)
    y0 = fields.Float(load_default=0.0, validate=Norm)
    x1 = fields.Float(load_default=1.0, validate=Norm)
    y1 = fields.Float(load_default=1.0, validate=Norm)

    @validates_schema
    def _box(self, data: dict, **kwargs: object) -> None:
        if data["x0"] >= data["x1"] or data["y0"] >= data["y1"]:
            raise ValidationError("x0 < x1 and y0 < y1 are required", "x1")


class PlanTypeSchema(Schema):
    id = fields.Integer(dump_only=True)
    project_id = fields.Integer(dump_only=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    area_m2 = fields.Float(allow_none=True, load_default=None, validate=validate.Range(min=1, max=10000))
    plan_sha256 = fields.String(allow_none=True, load_default=None, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    plan_width = fields.Integer(dump_only=True, allow_none=True)
    plan_height = fields.Integer(dump_only=True, allow_none=True)
    rooms = fields.List(fields.Nested(RoomSchema), load_default=list)


class PlanTypeUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=80))
    area_m2 = fields.Float(allow_none=True, validate=validate.Range(min=1, max=10000))
    plan_sha256 = fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^[0-9a-f]{64}$"),
        metadata={"description": "SHA-256 of a photo already uploaded through PUT /api/photos/<sha256>"},
    )


class UnitSchema(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    building_id = fields.Integer()
    entrance = fields.String()
    floor = fields.Integer()
    number = fields.String()
    plan_type_id = fields.Integer(allow_none=True)
    area_m2 = fields.Float(allow_none=True)
    label = fields.String()


class UnitQuerySchema(QuerySchema):
    building_id = Id()
    floor = Int()


class ImportFileSchema(Schema):
    file = Upload(required=True)


class ImportResultSchema(Schema):
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    buildings_created = fields.List(fields.String())


class ContractorSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    trade = fields.String(required=True, validate=validate.Length(min=1, max=40))
    contact = fields.String(load_default="", validate=validate.Length(max=80))
    phone = fields.String(load_default="", validate=validate.Length(max=40))


class InspectionSchema(Schema):
    id = fields.UUID(load_default=None, metadata={"description": "client-made UUID, optional"})
    project_id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(INSPECTION_KINDS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    started_on = fields.Date(required=True)
    building_id = Id(allow_none=True, load_default=None)
    created_at = fields.DateTime(dump_only=True)
