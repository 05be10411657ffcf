"""The push request's envelope (device id, and the mutations with their seq, clock and name), decoded and
checked in one pass by msgspec. Each mutation's ``args`` are checked later, one by one (``mutations``), so
that a bad one is rejected alone instead of failing the whole push."""

from __future__ import annotations

import re
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from .hlc import HLC_RE
from .mutations import ARGS

DEVICE_ID = r"^[A-Za-z0-9_.\-]{1,64}$"
MAX_MUTATIONS = 500


class Mutation(Struct, forbid_unknown_fields=True):
    """Only ``seq`` is checked here (the push's order depends on it). A bad ``hlc``, ``name`` or ``args``
    is one mutation's problem: it is rejected alone (``sync.push``), and the rest of the push applies."""

    seq: Annotated[int, Meta(ge=1, le=2**62)]
    hlc: Any
    name: Any
    args: msgspec.Raw = msgspec.field(default_factory=lambda: msgspec.Raw(b"{}"))


class Push(Struct, forbid_unknown_fields=True):
    device_id: Annotated[str, Meta(pattern=DEVICE_ID)]
    mutations: list[Mutation]


class EnvelopeError(ValueError):
    """``status`` 400 for a body that is not JSON, 422 for JSON of the wrong shape (``field`` names where)."""

    def __init__(self, status: int, message: str, field: str = ""):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def decode(body: bytes) -> dict[str, Any]:
    """``{"device_id": str, "mutations": [{"seq", "hlc", "name", "args"}, …]}`` or EnvelopeError.

    ``args`` stay undecoded (``msgspec.Raw``) until each is decoded straight into its mutation's struct."""
    try:
        push = msgspec.json.decode(body, type=Push)
    except msgspec.ValidationError as exc:
        text, _, where = str(exc).rpartition(" - at ")
        detail = text or str(exc)
        field = where.strip("`").removeprefix("$").removeprefix(".") if text else ""
        missing = re.search(r"missing required field `(\w+)`", detail)
        if missing:
            field = f"{field}.{missing[1]}" if field else missing[1]
        if field.startswith("device_id"):
            detail = "设备编号格式错误 / device_id must be a UUID (at most 64 characters)"
        message = f"请求内容有误 / The request has invalid fields: {field or 'body'}: {detail}"
        raise EnvelopeError(422, message, field) from exc
    except msgspec.DecodeError as exc:
        raise EnvelopeError(400, f"请求不是有效的 JSON / The body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise EnvelopeError(400, "请求嵌套过深 / The body is nested too deeply") from exc
    return {
        "device_id": push.device_id,
        "mutations": [{"seq": m.seq, "hlc": m.hlc, "name": m.name, "args": m.args} for m in push.mutations],
    }


def json_schema() -> dict[str, Any]:
    """The push body as JSON Schema, built from the structs that validate it: the envelope (``Push``) with
    each mutation's ``args`` given by its name (``sync.mutations.ARGS``). Definitions are inlined."""
    seq = msgspec.json.schema(Mutation)["$defs"]["Mutation"]["properties"]["seq"]
    variants = []
    for name, kind in ARGS.items():
        props = {
            "seq": seq,
            "hlc": {"type": "string", "maxLength": 100, "pattern": HLC_RE.pattern},
            "name": {"type": "string", "enum": [name]},
            "args": _inline(msgspec.json.schema(kind)),
        }
        variants.append(
            {
                "title": name,
                "type": "object",
                "properties": props,
                "required": ["seq", "hlc", "name", "args"],
                "additionalProperties": False,
            }
        )
    push = _inline(msgspec.json.schema(Push))
    push["properties"]["mutations"] = {
        "type": "array",
        "maxItems": MAX_MUTATIONS,
        "items": {"oneOf": variants},
        "description": f"At most {MAX_MUTATIONS}, in increasing seq order",
    }
    return push


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out: dict[str, Any] = walk(schema)
    return out
