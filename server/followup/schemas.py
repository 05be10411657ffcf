"""Shapes of the follow-up set-up (policy, ladder, routes, webhooks) and of escalation records."""

from marshmallow import Schema, fields, validate

from domain.models.enums import SEVERITIES
from domain.models.followup import CATEGORIES, EVENT_KINDS, NOTIFY_TARGETS, WEBHOOK_FORMATS

ID = validate.Range(min=1, max=2**31 - 1)
MINUTES = validate.Range(min=0, max=366 * 24 * 60)
HOURS = validate.Range(min=0, max=366 * 24)


class FollowupPolicyRowSchema(Schema):
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    response_minutes = fields.Integer(required=True, validate=MINUTES)
    fix_minutes = fields.Integer(required=True, validate=MINUTES)


class FollowupTypeRowSchema(Schema):
    type_id = fields.Integer(required=True, validate=ID)
    response_minutes = fields.Integer(required=True, validate=MINUTES)
    fix_minutes = fields.Integer(required=True, validate=MINUTES)
    urgent = fields.Boolean(load_default=False)


class LadderStepSchema(Schema):
    level = fields.Integer(required=True, validate=validate.Range(min=1, max=10))
    after_hours = fields.Integer(required=True, validate=HOURS)
    urgent_after_hours = fields.Integer(required=True, validate=HOURS)
    notify = fields.String(required=True, validate=validate.OneOf(NOTIFY_TARGETS))


class ContractorRouteSchema(Schema):
    trade = fields.String(required=True, validate=validate.Length(min=1, max=40))
    building_id = fields.Integer(allow_none=True, load_default=None, validate=ID)
    contractor_id = fields.Integer(required=True, validate=ID)


class FollowupPolicySchema(Schema):
    policy = fields.List(fields.Nested(FollowupPolicyRowSchema), validate=validate.Length(max=100))
    types = fields.List(fields.Nested(FollowupTypeRowSchema), validate=validate.Length(max=500))
    due_soon_hours = fields.Integer(validate=HOURS)


class FollowupPolicyInSchema(FollowupPolicySchema):
    remove_types = fields.List(fields.Integer(validate=ID), validate=validate.Length(max=500))


class FollowupSchema(FollowupPolicySchema):
    ladder = fields.List(fields.Nested(LadderStepSchema))
    routes = fields.List(fields.Nested(ContractorRouteSchema))


class LadderSchema(Schema):
    steps = fields.List(fields.Nested(LadderStepSchema), required=True, validate=validate.Length(min=1, max=10))


class RoutesSchema(Schema):
    routes = fields.List(fields.Nested(ContractorRouteSchema), required=True, validate=validate.Length(max=500))


class FollowupChangeSchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    user_name = fields.String()
    at = fields.DateTime()
    what = fields.String()
    old = fields.Raw(allow_none=True)
    new = fields.Raw(allow_none=True)


class DispatchSuggestionSchema(Schema):
    contractor_id = fields.Integer(allow_none=True)
    trade = fields.String()
    building_id = fields.Integer(allow_none=True)


class DeadlineOverrideSchema(Schema):
    due_date = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class EscalationSchema(Schema):
    id = fields.Integer()
    defect_id = fields.UUID()
    project_id = fields.Integer()
    contractor_id = fields.Integer(allow_none=True)
    level = fields.Integer()
    reason = fields.String()
    notify = fields.String()
    at = fields.DateTime()
    acknowledged_by_id = fields.Integer(allow_none=True)
    acknowledged_at = fields.DateTime(allow_none=True)


class EscalationQuerySchema(Schema):
    project_id = fields.Integer(validate=ID)
    defect_id = fields.UUID()
    unacknowledged = fields.Boolean()


class WebhookSchema(Schema):
    id = fields.Integer(dump_only=True)
    project_id = fields.Integer(dump_only=True)
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=500))
    secret = fields.String(load_only=True, validate=validate.Length(min=16, max=128))
    format = fields.String(load_default="json", validate=validate.OneOf(WEBHOOK_FORMATS))
    kinds = fields.List(
        fields.String(validate=validate.OneOf(EVENT_KINDS)), load_default=[], validate=validate.Length(max=20)
    )
    active = fields.Boolean(load_default=True)
    last_status = fields.String(dump_only=True, allow_none=True)  # pending | sent | dead, of the latest message
    last_error = fields.String(dump_only=True)
    last_at = fields.DateTime(dump_only=True, allow_none=True)


class WebhookTestSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    status = fields.String()


class DeadlinesSchema(Schema):
    due_date = fields.Date(allow_none=True)
    response_due_at = fields.DateTime(allow_none=True)
    fix_due_at = fields.DateTime(allow_none=True)
