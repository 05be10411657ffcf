"""What a device may push: the mutation names and the typed shape of their arguments.

Arguments are checked with msgspec (typed structs, validated in C: a 100-mutation push is checked in well
under a millisecond) and handed to the merge as those structs. Every string and number is bounded to what
its column holds and every vocabulary is closed, so a hostile value is a rejected mutation, never a
database error. An update's ``fields`` keep "not sent" (``UNSET``) apart from "set to null".

The same structs are the push body's published JSON Schema (``json_schema``): one stack validates and
documents.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from domain.models.enums import PHOTO_KINDS, SEVERITIES, STATUSES
from domain.rules import TRANSITIONS

from .codes import MUTATION_INVALID, MUTATION_UNKNOWN

# No NUL character (PostgreSQL text cannot hold one) and a bound the column holds.
_TEXT = r"^[^\x00]*$"
Sha256 = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
Id = Annotated[int, Meta(ge=1, le=2**31 - 1)]
UnitInterval = Annotated[float, Meta(ge=0.0, le=1.0)]
Description = Annotated[str, Meta(max_length=4000, pattern=_TEXT)]
Note = Annotated[str, Meta(max_length=2000, pattern=_TEXT)]
Body = Annotated[str, Meta(min_length=1, max_length=4000, pattern=_TEXT)]
# Literal types built from the tables they mirror, so a new severity, status or action needs no change here.
if TYPE_CHECKING:
    Severity: TypeAlias = str
    PhotoKind: TypeAlias = str
    Action: TypeAlias = str
    Status: TypeAlias = str
else:
    Severity = Literal[SEVERITIES]
    PhotoKind = Literal[PHOTO_KINDS]
    Action = Literal[tuple(TRANSITIONS)]
    Status = Literal[STATUSES]


class Invalid(ValueError):
    """A mutation that cannot be read: ``code`` says why (stable), the message says where."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Args(Struct, forbid_unknown_fields=True, omit_defaults=True):
    pass


class PhotoRef(Args):
    sha256: Sha256
    kind: PhotoKind = "before"


class CreateArgs(Args):
    id: uuid.UUID
    unit_id: Id
    type_id: Id
    severity: Severity | None = None
    description: Description = ""
    room_id: Id | None = None
    pin_x: UnitInterval | None = None
    pin_y: UnitInterval | None = None
    inspection_id: uuid.UUID | None = None
    photos: Annotated[list[PhotoRef], Meta(max_length=50)] = []
    owner_raised: bool = False  # 业主提出: the homeowner pointed it out during the walkthrough


class UpdateFields(Args):
    description: Description | UnsetType = UNSET
    room_id: Id | None | UnsetType = UNSET
    pin_x: UnitInterval | None | UnsetType = UNSET
    pin_y: UnitInterval | None | UnsetType = UNSET
    severity: Severity | UnsetType = UNSET
    type_id: Id | UnsetType = UNSET
    due_date: date | None | UnsetType = UNSET
    owner_raised: bool | UnsetType = UNSET


class UpdateArgs(Args):
    id: uuid.UUID
    changes: UpdateFields = msgspec.field(name="fields")

    def __post_init__(self) -> None:
        if not sent(self.changes):
            raise ValueError("fields: 至少修改一个字段 / at least one field is required")


class StatusArgs(Args):
    id: uuid.UUID
    action: Action
    from_: Status = msgspec.field(name="from")
    contractor_id: Id | None = None
    due_date: date | None = None
    satisfaction: Annotated[int, Meta(ge=1, le=5)] | None = None
    note: Note = ""

    def __post_init__(self) -> None:
        if self.action == "assign" and not self.contractor_id:
            raise ValueError("contractor_id: 分派需指定施工单位 / assign needs a contractor_id")
        if self.action == "reject" and not self.note.strip():
            raise ValueError("note: 拒单需说明原因 / reject needs a reason in note")
        if self.action == "dispute" and not self.note.strip():
            raise ValueError("note: 业主异议需说明原因 / dispute needs the owner's reason in note")
        if self.action == "visit" and self.satisfaction is None:
            raise ValueError("satisfaction: 回访需填写满意度 / visit needs a satisfaction from 1 to 5")


class PhotoAddArgs(Args):
    id: uuid.UUID
    sha256: Sha256
    kind: PhotoKind = "before"


class PhotoRemoveArgs(Args):
    id: uuid.UUID
    sha256: Sha256


class CommentArgs(Args):
    id: uuid.UUID
    comment_id: uuid.UUID
    body: Body


class Shape(Args):
    """One mark drawn over a photo, in coordinates relative to its width and height (0..1)."""

    type: Literal["arrow", "circle", "text"]
    color: Annotated[str, Meta(pattern=r"^#[0-9a-fA-F]{6}$")] = "#FF0000"
    width: Annotated[float, Meta(ge=0.001, le=0.05)] | None = None
    x0: UnitInterval | None = None
    y0: UnitInterval | None = None
    x1: UnitInterval | None = None
    y1: UnitInterval | None = None
    cx: UnitInterval | None = None
    cy: UnitInterval | None = None
    r: Annotated[float, Meta(ge=0.001, le=1.0)] | None = None
    x: UnitInterval | None = None
    y: UnitInterval | None = None
    text: Annotated[str, Meta(min_length=1, max_length=200, pattern=_TEXT)] | None = None
    size: Annotated[float, Meta(ge=0.01, le=0.3)] | None = None

    def __post_init__(self) -> None:
        needs = {"arrow": ("x0", "y0", "x1", "y1"), "circle": ("cx", "cy", "r"), "text": ("x", "y", "text")}
        missing = [k for k in needs[self.type] if getattr(self, k) is None]
        if missing:
            raise ValueError(f"{self.type} 缺少 / needs: {', '.join(missing)}")


class AnnotateArgs(Args):
    """Replace the mark-up of a photo. ``base`` is the stamp of the version the device started from ("" for
    none): when it is not the server's current one, the edits were concurrent and a conflict is recorded."""

    sha256: Sha256
    shapes: Annotated[list[Shape], Meta(max_length=200)]
    base: Annotated[str, Meta(max_length=84, pattern=r"^[0-9A-Za-z:_.\-]*$")] = ""


ARGS: dict[str, type[Args]] = {
    "defect.create": CreateArgs,
    "defect.update": UpdateArgs,
    "defect.status": StatusArgs,
    "defect.photo_add": PhotoAddArgs,
    "defect.photo_remove": PhotoRemoveArgs,
    "defect.comment": CommentArgs,
    "photo.annotate": AnnotateArgs,
}


def sent(s: Struct) -> dict[str, Any]:
    """The fields of a struct that were sent (not ``UNSET``), by name."""
    return {name: value for name in s.__struct_fields__ if (value := getattr(s, name)) is not UNSET}


def load_args(name: str, args: Any) -> Args:
    """Validated arguments as their struct (UUIDs and dates parsed), or Invalid with a bilingual message.

    ``args`` is the JSON as sent (``msgspec.Raw``, decoded straight into the struct) or already decoded."""
    kind = ARGS.get(name)
    if kind is None:
        raise Invalid(MUTATION_UNKNOWN, f"未知的操作 {name[:40]!r} / Unknown mutation name {name[:40]!r}")
    try:
        if isinstance(args, msgspec.Raw):
            return msgspec.json.decode(args, type=kind)
        if not isinstance(args, dict):
            raise Invalid(MUTATION_INVALID, "args 必须是对象 / args must be an object")
        return msgspec.convert(args, kind)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise Invalid(MUTATION_INVALID, f"参数有误 / Invalid arguments: {_readable(str(exc))}") from exc


def _readable(message: str) -> str:
    """msgspec says "Expected `int`, got `str` - at `$.unit_id`"; put the field first, as people read it."""
    text, sep, where = message.rpartition(" - at ")
    if not sep:
        return message
    field = where.strip("`").removeprefix("$.")
    return f"{field}: {text}"
