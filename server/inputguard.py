"""Refuse NUL characters in requests up front: PostgreSQL cannot store them in text, and no field needs one."""

from __future__ import annotations

import re

from flask import Flask, request

from .http import abort

# JSON writes NUL as \u0000; an escaped backslash before it ("\\u0000") is ordinary text, not a NUL.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
MESSAGE = "请求中含有无效的空字符 / The request contains a NUL character, which no field accepts"


def init_app(app: Flask) -> None:
    @app.before_request
    def _refuse_nul() -> None:
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
            abort(400, message=MESSAGE)
        # A push checks its mutations one by one: a NUL refuses that mutation, not the whole outbox.
        if request.is_json and request.endpoint != "sync.push":
            data = request.get_data(cache=True)
            # The substring test runs at memory speed; the exact pattern only when it could match.
            if (b"\\u0000" in data or b"\\U0000" in data) and _JSON_NUL.search(data):
                abort(400, message=MESSAGE)
