"""Refuse hostile input before anything parses it.

- NUL characters: PostgreSQL cannot store them in text, and no field needs one.
- JSON nested deeper than ``MAX_JSON_DEPTH``: Python's parser recurses once per level, so 100,000 ``[``
  would end in a RecursionError (a 500) on every JSON endpoint. No request of ours nests beyond ~10.
- Route ids beyond 32 bits: the ``int`` converter only matches ids a column can hold, so a huge id is
  the same 404 as any id that does not exist.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from domain.errors import BAD_REQUEST, DomainError, define

from .fields import INT_MAX

# JSON writes NUL as \u0000; an escaped backslash before it ("\\u0000") is ordinary text, not a NUL.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
MESSAGE = "请求中含有无效的空字符 / The request contains a NUL character, which no field accepts"

MAX_JSON_DEPTH = 64
JSON_TOO_DEEP = define("json_too_deep", 400, "The JSON body is nested too deeply")
# JSON strings (with their escapes) are skipped when counting brackets: "[[[" inside a string is text.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")


def json_depth_exceeds(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``data`` nests arrays/objects deeper than ``limit`` (without parsing it)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    brackets = _JSON_STRING.sub(b"", data).translate(None, _BRACKETS)
    depth = 0
    for ch in brackets:
        if ch in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class BoundedIntegerConverter(IntegerConverter):
    """``<int:id>`` that matches 0..2**31-1 only: a larger id is a 404, never an out-of-range query."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        # Werkzeug would try the next rule and could answer 405 from a sibling route: an id no row can
        # have is simply not found.
        if len(value) > 10 or int(value) > INT_MAX:  # 10 digits: int() of 5,000 digits is a ValueError
            raise NotFound()
        return super().to_python(value)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter

    @app.before_request
    def _refuse_hostile() -> None:
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
            raise DomainError(BAD_REQUEST, MESSAGE)
        if not request.is_json:
            return
        data = request.get_data(cache=True)
        # A push checks its mutations one by one: a NUL refuses that mutation, not the whole outbox.
        # The substring test runs at memory speed; the exact pattern only when it could match.
        if request.endpoint != "sync.push" and (b"\\u0000" in data or b"\\U0000" in data) and _JSON_NUL.search(data):
            raise DomainError(BAD_REQUEST, MESSAGE)
        if json_depth_exceeds(data):
            raise DomainError(
                JSON_TOO_DEEP,
                f"JSON 嵌套过深 / The JSON body nests deeper than {MAX_JSON_DEPTH} levels",
                max_depth=MAX_JSON_DEPTH,
            )
