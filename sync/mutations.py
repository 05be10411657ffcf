"""What a device may push: the mutation names and the shape of their arguments (marshmallow, no Flask)."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from server.models.enums import PHOTO_KINDS, SEVERITIES

from .rules import TRANSITIONS

SHA256 = validate.Regexp(r"^[0-9a-f]{64}$", error="需为64位小写十六进制 / must be 64 lowercase hex characters")
UNIT_INTERVAL = validate.Range(min=0.0, max=1.0)
DESCRIPTION = validate.Length(max=4000)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class PhotoRef(_Strict):
    sha256 = fields.String(required=True, validate=SHA256)
    kind = fields.String(load_default="before", validate=validate.OneOf(PHOTO_KINDS))


class CreateArgs(_Strict):
    id = fields.UUID(required=True)
    unit_id = fields.Integer(required=True, strict=True)
    type_id = fields.Integer(required=True, strict=True)
    severity = fields.String(validate=validate.OneOf(SEVERITIES), allow_none=True)
    description = fields.String(load_default="", validate=DESCRIPTION)
    room_id = fields.Integer(allow_none=True, strict=True)
    pin_x = fields.Float(allow_none=True, validate=UNIT_INTERVAL)
    pin_y = fields.Float(allow_none=True, validate=UNIT_INTERVAL)
    inspection_id = fields.UUID(allow_none=True)
    photos = fields.List(fields.Nested(PhotoRef), load_default=list, validate=validate.Length(max=50))


class UpdateFields(_Strict):
    description = fields.String(validate=DESCRIPTION)
    room_id = fields.Integer(allow_none=True, strict=True)
    pin_x = fields.Float(allow_none=True, validate=UNIT_INTERVAL)
    pin_y = fields.Float(allow_none=True, validate=UNIT_INTERVAL)
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    type_id = fields.Integer(strict=True)
    due_date = fields.Date(allow_none=True)


class UpdateArgs(_Strict):
    id = fields.UUID(required=True)
    changes = fields.Nested(UpdateFields, data_key="fields", required=True)

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("changes"):
            raise ValidationError("至少修改一个字段 / at least one field is required", "fields")


class StatusArgs(_Strict):
    id = fields.UUID(required=True)
    action = fields.String(required=True, validate=validate.OneOf(tuple(TRANSITIONS)))
    from_ = fields.String(data_key="from", required=True)
    contractor_id = fields.Integer(allow_none=True, strict=True)
    due_date = fields.Date(allow_none=True)
    satisfaction = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=1, max=5))
    note = fields.String(load_default="", validate=validate.Length(max=2000))

    @validates_schema
    def _action_args(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("action") == "assign" and not data.get("contractor_id"):
            raise ValidationError("分派需指定施工单位 / assign needs a contractor_id", "contractor_id")
        if data.get("action") == "visit" and data.get("satisfaction") is None:
            raise ValidationError("回访需填写满意度 / visit needs a satisfaction from 1 to 5", "satisfaction")


class PhotoAddArgs(_Strict):
    id = fields.UUID(required=True)
    sha256 = fields.String(required=True, validate=SHA256)
    kind = fields.String(load_default="before", validate=validate.OneOf(PHOTO_KINDS))


class PhotoRemoveArgs(_Strict):
    id = fields.UUID(required=True)
    sha256 = fields.String(required=True, validate=SHA256)


class CommentArgs(_Strict):
    id = fields.UUID(required=True)
    comment_id = fields.UUID(required=True)
    body = fields.String(required=True, validate=validate.Length(min=1, max=4000))


SCHEMAS: dict[str, Schema] = {
    "defect.create": CreateArgs(),
    "defect.update": UpdateArgs(),
    "defect.status": StatusArgs(),
    "defect.photo_add": PhotoAddArgs(),
    "defect.photo_remove": PhotoRemoveArgs(),
    "defect.comment": CommentArgs(),
}


def load_args(name: str, args: Any) -> dict[str, Any]:
    """Validated arguments, or ValueError with a bilingual message for the device's user."""
    schema = SCHEMAS.get(name)
    if schema is None:
        raise ValueError(f"未知的操作「{name}」/ Unknown mutation name {name!r}")
    if not isinstance(args, dict):
        raise ValueError("args 必须是对象 / args must be an object")
    try:
        return schema.load(args)
    except ValidationError as exc:
        raise ValueError(f"参数有误 / Invalid arguments: {_flatten(exc.messages)}") from exc


def _flatten(messages: Any, prefix: str = "") -> str:
    if isinstance(messages, dict):
        return "; ".join(_flatten(v, f"{prefix}{k}.") for k, v in messages.items())
    if isinstance(messages, list):
        return ", ".join(_flatten(m, prefix) for m in messages)
    return f"{prefix.rstrip('.')}: {messages}"
