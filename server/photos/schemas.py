"""Request and response bodies of the photo endpoints."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

SHA256 = validate.Regexp(r"^[0-9a-fA-F]{64}$", error="应为 64 位十六进制 SHA-256 / Must be a 64-hex-digit SHA-256")
SIZES = ("thumb", "display", "original")
UNIT = validate.Range(min=0.0, max=1.0)
COLOR = validate.Regexp(r"^#[0-9a-fA-F]{6}$", error="颜色应为 #RRGGBB / Colour must be #RRGGBB")


class PhotoSchema(Schema):
    sha256 = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    size = fields.Integer(required=True)
    mime = fields.String(required=True)
    taken_at = fields.DateTime(allow_none=True)
    derivatives = fields.String(
        metadata={"description": "pending until an image worker has made the thumbnail and display copy"}
    )


class SizeQuerySchema(Schema):
    size = fields.String(load_default="display", validate=validate.OneOf(SIZES))


class SignedQuerySchema(SizeQuerySchema):
    expires = fields.Integer(required=True)
    sig = fields.String(required=True, validate=validate.Length(equal=64))


class PhotoUrlSchema(Schema):
    url = fields.String(required=True)
    expires_at = fields.DateTime(required=True)


class UploadStartSchema(Schema):
    sha256 = fields.String(required=True, validate=SHA256)
    size = fields.Integer(required=True, validate=validate.Range(min=1))
    mime = fields.String(load_default="", validate=validate.Length(max=40))


class UploadStateSchema(Schema):
    upload_id = fields.UUID(allow_none=True)
    offset = fields.Integer(required=True)
    size = fields.Integer()
    photo = fields.Nested(PhotoSchema, allow_none=True)


class DirectUploadSchema(Schema):
    upload_id = fields.UUID(required=True)
    url = fields.String(required=True)
    fields_ = fields.Dict(data_key="fields", attribute="fields", required=True)
    expires_at = fields.DateTime(required=True)


class ShapeSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(("arrow", "circle", "text")))
    color = fields.String(load_default="#FF0000", validate=COLOR)
    width = fields.Float(validate=validate.Range(min=0.001, max=0.05))
    x0 = fields.Float(validate=UNIT)
    y0 = fields.Float(validate=UNIT)
    x1 = fields.Float(validate=UNIT)
    y1 = fields.Float(validate=UNIT)
    cx = fields.Float(validate=UNIT)
    cy = fields.Float(validate=UNIT)
    r = fields.Float(validate=validate.Range(min=0.001, max=1.0))
    x = fields.Float(validate=UNIT)
    y = fields.Float(validate=UNIT)
    text = fields.String(validate=validate.Length(min=1, max=200))
    size = fields.Float(validate=validate.Range(min=0.01, max=0.3))

    NEEDS = {"arrow": ("x0", "y0", "x1", "y1"), "circle": ("cx", "cy", "r"), "text": ("x", "y", "text")}

    @validates_schema
    def _complete(self, data: dict[str, object], **kwargs: object) -> None:
        missing = [k for k in self.NEEDS.get(str(data.get("type")), ()) if k not in data]
        if missing:
            raise ValidationError(f"{data.get('type')} 缺少 / needs: {', '.join(missing)}")


class AnnotationSchema(Schema):
    shapes = fields.List(fields.Nested(ShapeSchema), required=True, validate=validate.Length(max=200))
    updated_at = fields.DateTime(dump_only=True, allow_none=True)
    updated_by_id = fields.Integer(dump_only=True, allow_none=True)
    clock = fields.String(dump_only=True, metadata={"description": "Send as photo.annotate's base"})


class UploadOptionsSchema(Schema):
    direct = fields.Boolean(required=True, metadata={"description": "photos may go straight to S3 in parts"})
    part_size = fields.Integer(allow_none=True)
    max_bytes = fields.Integer(required=True)


class MultipartStateSchema(Schema):
    upload_id = fields.UUID(allow_none=True)
    size = fields.Integer(required=True)
    part_size = fields.Integer(required=True)
    parts = fields.Integer(required=True, metadata={"description": "how many parts the file is sent in"})
    received = fields.List(fields.Integer(), required=True, metadata={"description": "parts the bucket holds"})
    photo = fields.Nested(PhotoSchema, allow_none=True)


class PartsRequestSchema(Schema):
    parts = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=10_000)),
        required=True,
        validate=validate.Length(min=1, max=100),
    )


class PartUrlSchema(Schema):
    part = fields.Integer(required=True)
    url = fields.String(required=True)
    size = fields.Integer(required=True)


class PartUrlsSchema(Schema):
    urls = fields.List(fields.Nested(PartUrlSchema), required=True)
    expires_at = fields.DateTime(required=True)
