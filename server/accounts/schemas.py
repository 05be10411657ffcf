"""Request and response shapes for accounts."""

from marshmallow import Schema, fields, validate

from domain.models.enums import ROLES

from ..fields import Int


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    device = fields.String(load_default="", validate=validate.Length(max=120))


class UnitRefSchema(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    label = fields.String()


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(
        required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.\-]{3,80}$", error="3–80 letters, digits, '_', '.', '-'")
    )
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    contractor_id = Int(allow_none=True, load_default=None)
    phone = fields.String(load_default="", validate=validate.Length(max=40))
    active = fields.Boolean(load_default=True)
    project_ids = fields.List(Int(), load_default=list, validate=validate.Length(max=1000))
    password = fields.String(load_only=True, required=True, validate=validate.Length(min=8, max=200))


class UserUpdateSchema(Schema):
    display_name = fields.String(validate=validate.Length(min=1, max=80))
    role = fields.String(validate=validate.OneOf(ROLES))
    contractor_id = Int(allow_none=True)
    phone = fields.String(validate=validate.Length(max=40))
    active = fields.Boolean()
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=200))
    project_ids = fields.List(Int(), validate=validate.Length(max=1000))


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, validate=validate.Length(min=8, max=200))
    device = fields.String(load_default="", validate=validate.Length(max=120))


class MeSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    contractor_id = fields.Integer(allow_none=True)
    project_ids = fields.List(fields.Integer())
    units = fields.List(fields.Nested(UnitRefSchema))


class TokenSchema(Schema):
    token = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(MeSchema)


class JoinSchema(Schema):
    """A new homeowner signs up with the code on their invitation letter (or adds a unit when logged in)."""

    code = fields.String(required=True, validate=validate.Length(min=4, max=40))
    username = fields.String(
        validate=validate.Regexp(r"^[A-Za-z0-9_.\-]{3,80}$", error="3–80 letters, digits, '_', '.', '-'")
    )
    password = fields.String(validate=validate.Length(min=8, max=200))
    display_name = fields.String(validate=validate.Length(min=1, max=80))
    phone = fields.String(load_default="", validate=validate.Length(max=40))
    device = fields.String(load_default="", validate=validate.Length(max=120))


class InvitationSchema(Schema):
    id = fields.Integer()
    unit_id = fields.Integer()
    code = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    used_at = fields.DateTime(allow_none=True)
    qr_svg = fields.String(metadata={"description": "QR code of the join link, for the invitation letter"})


class InvitationCreateSchema(Schema):
    valid_days = fields.Integer(load_default=60, validate=validate.Range(min=1, max=3650))
