"""What a device may push: the mutation names and the shape of their arguments.

Arguments are checked with msgspec (typed structs, validated in C: a 100-mutation push is checked in well
under a millisecond) and handed to the merge as plain dicts. A key that is absent stays absent, so an
update can tell "not sent" from "set to null".
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from domain.models.enums import PHOTO_KINDS, SEVERITIES
from domain.rules import TRANSITIONS

from .rounds_mutations import ARGS as ROUNDS_ARGS

Sha256 = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
Id = Annotated[int, Meta(ge=1, le=2**31 - 1)]
UnitInterval = Annotated[float, Meta(ge=0.0, le=1.0)]
Description = Annotated[str, Meta(max_length=4000)]
# Literal types built from the tables they mirror, so a new severity or action needs no change here.
if TYPE_CHECKING:
    Severity: TypeAlias = str
    PhotoKind: TypeAlias = str
    Action: TypeAlias = str
else:
    Severity = Literal[SEVERITIES]
    PhotoKind = Literal[PHOTO_KINDS]
    Action = Literal[tuple(TRANSITIONS)]


class _Args(Struct, forbid_unknown_fields=True, omit_defaults=True):
    pass


class PhotoRef(_Args):
    sha256: Sha256
    kind: PhotoKind = "before"


class CreateArgs(_Args):
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


class UpdateFields(_Args):
    description: Description | UnsetType = UNSET
    room_id: Id | None | UnsetType = UNSET
    pin_x: UnitInterval | None | UnsetType = UNSET
    pin_y: UnitInterval | None | UnsetType = UNSET
    severity: Severity | UnsetType = UNSET
    type_id: Id | UnsetType = UNSET
    due_date: date | None | UnsetType = UNSET


class UpdateArgs(_Args):
    id: uuid.UUID
    changes: UpdateFields = msgspec.field(name="fields")

    def __post_init__(self) -> None:
        if not _plain(self.changes):
            raise ValueError("fields: 至少修改一个字段 / at least one field is required")


class StatusArgs(_Args):
    id: uuid.UUID
    action: Action
    from_: str = msgspec.field(name="from")
    contractor_id: Id | None = None
    due_date: date | None = None
    satisfaction: Annotated[int, Meta(ge=1, le=5)] | None = None
    note: Annotated[str, Meta(max_length=2000)] = ""

    def __post_init__(self) -> None:
        if self.action == "assign" and not self.contractor_id:
            raise ValueError("contractor_id: 分派需指定施工单位 / assign needs a contractor_id")
        if self.action == "visit" and self.satisfaction is None:
            raise ValueError("satisfaction: 回访需填写满意度 / visit needs a satisfaction from 1 to 5")


class PhotoAddArgs(_Args):
    id: uuid.UUID
    sha256: Sha256
    kind: PhotoKind = "before"


class PhotoRemoveArgs(_Args):
    id: uuid.UUID
    sha256: Sha256


class CommentArgs(_Args):
    id: uuid.UUID
    comment_id: uuid.UUID
    body: Annotated[str, Meta(min_length=1, max_length=4000)]


ARGS: dict[str, type[_Args]] = {
    "defect.create": CreateArgs,
    "defect.update": UpdateArgs,
    "defect.status": StatusArgs,
    "defect.photo_add": PhotoAddArgs,
    "defect.photo_remove": PhotoRemoveArgs,
    "defect.comment": CommentArgs,
}
ARGS.update(ROUNDS_ARGS)  # checklist answers and merges of duplicates (sync/rounds_mutations.py)


def _plain(s: Struct) -> dict[str, Any]:
    """A struct as a dict, without the fields that were not sent (nested structs too)."""
    out: dict[str, Any] = {}
    for name in s.__struct_fields__:
        value = getattr(s, name)
        if value is UNSET:
            continue
        if isinstance(value, Struct):
            value = _plain(value)
        elif type(value) is list:
            value = [_plain(v) if isinstance(v, Struct) else v for v in value]
        out[name] = value
    return out


def load_args(name: str, args: Any) -> dict[str, Any]:
    """Validated arguments as a dict (UUIDs and dates parsed), or ValueError with a bilingual message."""
    kind = ARGS.get(name)
    if kind is None:
        raise ValueError(f"未知的操作「{name}」/ Unknown mutation name {name!r}")
    if not isinstance(args, dict):
        raise ValueError("args 必须是对象 / args must be an object")
    try:
        loaded = msgspec.convert(args, kind)
    except msgspec.ValidationError as exc:
        raise ValueError(f"参数有误 / Invalid arguments: {_readable(str(exc))}") from exc
    return _plain(loaded)


def _readable(message: str) -> str:
    """msgspec says "Expected `int`, got `str` - at `$.unit_id`"; put the field first, as people read it."""
    text, sep, where = message.rpartition(" - at ")
    if not sep:
        return message
    field = where.strip("`").removeprefix("$.")
    return f"{field}: {text}"
