"""Request and response schemas for rounds, checklists, risk checks and duplicates; every field bounded."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from domain.models.enums import INSPECTION_KINDS
from domain.rounds.calendar import PARTICIPANT_ROLES, ROUND_STATUSES
from domain.rounds.checklists import ROOM_KINDS
from domain.rounds.risk import RISK_RESULTS
from domain.rounds.risk_list import CATEGORIES


def _id(**kw: object) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=2**31 - 1), **kw)  # type: ignore[arg-type]


def _ids(n: int) -> fields.List:
    return fields.List(_id(), validate=validate.Length(max=n), allow_none=True, load_default=None)


class ProposeSchema(Schema):
    delivery_date = fields.Date(load_default=None, metadata={"description": "defaults to the project's"})
    building_id = _id(load_default=None, allow_none=True)


class ProposedRoundSchema(Schema):
    key = fields.String()
    kind = fields.String()
    name = fields.String()
    planned_start = fields.Date()
    planned_end = fields.Date()
    offset_days = fields.Integer()


class MilestoneSchema(Schema):
    key = fields.String()
    name = fields.String()
    date = fields.Date()
    offset_days = fields.Integer()


class ProposalSchema(Schema):
    delivery_date = fields.Date()
    rounds = fields.List(fields.Nested(ProposedRoundSchema))
    milestones = fields.List(fields.Nested(MilestoneSchema))


class ParticipantSchema(Schema):
    user_id = _id(required=True)
    role = fields.String(required=True, validate=validate.OneOf(PARTICIPANT_ROLES))
    username = fields.String(dump_only=True)


class RoundSchema(Schema):
    id = fields.UUID(dump_only=True)
    project_id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(INSPECTION_KINDS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    planned_start = fields.Date(required=True)
    planned_end = fields.Date(required=True)
    started_on = fields.Date(dump_only=True)
    status = fields.String(dump_only=True)
    building_id = _id(load_default=None, allow_none=True)
    floors = fields.List(
        fields.Integer(validate=validate.Range(min=-10, max=300)),
        validate=validate.Length(max=300),
        allow_none=True,
        load_default=None,
    )
    unit_ids = _ids(5000)
    participants = fields.List(fields.Nested(ParticipantSchema), validate=validate.Length(max=100), load_default=[])


class CalendarSaveSchema(Schema):
    rounds = fields.List(fields.Nested(RoundSchema), required=True, validate=validate.Length(min=1, max=30))
    delivery_date = fields.Date(load_default=None, allow_none=True, metadata={"description": "sets the project's"})


class PersonSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()


class RoundPatchSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    planned_start = fields.Date()
    planned_end = fields.Date()
    status = fields.String(validate=validate.OneOf(ROUND_STATUSES))
    building_id = _id(allow_none=True)
    floors = fields.List(
        fields.Integer(validate=validate.Range(min=-10, max=300)), validate=validate.Length(max=300), allow_none=True
    )
    unit_ids = fields.List(_id(), validate=validate.Length(max=5000), allow_none=True)
    participants = fields.List(fields.Nested(ParticipantSchema), validate=validate.Length(max=100))


class ChecklistItemSchema(Schema):
    id = fields.Integer(dump_only=True)
    project_id = fields.Integer(dump_only=True, allow_none=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_.-]{1,40}$"))
    area_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    room_kind = fields.String(required=True, validate=validate.OneOf(ROOM_KINDS))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=120))
    name_en = fields.String(load_default="", validate=validate.Length(max=200))
    method = fields.String(load_default="", validate=validate.Length(max=200))
    unit = fields.String(load_default="", validate=validate.Length(max=10))
    tol_min = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=-1e6, max=1e6))
    tol_max = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=-1e6, max=1e6))
    type_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    type_id = fields.Integer(dump_only=True, allow_none=True)
    position = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100_000))
    active = fields.Boolean(load_default=True)


class ChecklistItemPatchSchema(Schema):
    name_zh = fields.String(validate=validate.Length(min=1, max=120))
    name_en = fields.String(validate=validate.Length(max=200))
    method = fields.String(validate=validate.Length(max=200))
    unit = fields.String(validate=validate.Length(max=10))
    tol_min = fields.Float(allow_none=True, validate=validate.Range(min=-1e6, max=1e6))
    tol_max = fields.Float(allow_none=True, validate=validate.Range(min=-1e6, max=1e6))
    room_kind = fields.String(validate=validate.OneOf(ROOM_KINDS))
    type_code = fields.String(validate=validate.Length(min=1, max=40))
    position = fields.Integer(validate=validate.Range(min=0, max=100_000))
    active = fields.Boolean()


class ProgressSchema(Schema):
    unit_id = fields.Integer()
    status = fields.String()
    items_done = fields.Integer()
    items_total = fields.Integer()


class ChecklistResultSchema(Schema):
    inspection_id = fields.UUID()
    unit_id = fields.Integer()
    room_id = fields.Integer()
    item_id = fields.Integer()
    result = fields.String()
    measured = fields.Float(allow_none=True)
    defect_id = fields.UUID(allow_none=True)
    clock = fields.String()
    user_id = fields.Integer(allow_none=True)


class ChecklistResultQuerySchema(Schema):
    unit_id = _id(load_default=None)


class RiskItemSchema(Schema):
    id = fields.Integer(dump_only=True)
    building_id = fields.Integer(allow_none=True, dump_only=True)
    code = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    result = fields.String(dump_only=True)
    responsible = fields.String(dump_only=True)
    contractor_id = fields.Integer(allow_none=True, dump_only=True)
    deadline = fields.Date(allow_none=True, dump_only=True)
    note = fields.String(dump_only=True)
    checked_at = fields.DateTime(allow_none=True, dump_only=True)


class RiskNewSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{1,40}$"))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    building_id = _id(load_default=None, allow_none=True)
    responsible = fields.String(load_default="", validate=validate.Length(max=80))


class RiskPatchSchema(Schema):
    result = fields.String(validate=validate.OneOf(RISK_RESULTS))
    responsible = fields.String(validate=validate.Length(max=80))
    contractor_id = _id(allow_none=True)
    deadline = fields.Date(allow_none=True)
    note = fields.String(validate=validate.Length(max=500))


class RiskQuerySchema(Schema):
    building_id = _id(load_default=None)


class RiskStatusSchema(Schema):
    passed = fields.Boolean(allow_none=True)
    failing = fields.List(fields.Nested(RiskItemSchema))
    overdue = fields.List(fields.Nested(RiskItemSchema))


class SeedResultSchema(Schema):
    added = fields.Integer()


class SuspectSchema(Schema):
    defect_id = fields.UUID()
    duplicate_of_id = fields.UUID()
    unit_id = fields.Integer()
    type_id = fields.Integer()
    reason = fields.String()


class MergeSchema(Schema):
    into = fields.UUID(required=True)


class MergeResultSchema(Schema):
    status = fields.String()
    defect_id = fields.UUID()
    duplicate_of_id = fields.UUID()
