"""One error path: every error the API answers is ``application/problem+json`` with a stable ``code``.

Views and services raise ``domain.errors.DomainError``; the framework's own refusals (unknown route, wrong
method, body too large, invalid fields found by the schemas) are rendered the same way with the generic
codes below; anything unexpected becomes ``internal`` without a traceback. The PWA words every code from
``pwa/src/i18n/errors.js``; ``/api/errors`` lists them.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from domain.errors import (
    BAD_REQUEST,
    CONFLICT,
    FORBIDDEN,
    INTERNAL,
    INVALID,
    NOT_FOUND,
    RATE_LIMITED,
    UNAUTHORIZED,
    DomainError,
    define,
)

from .extensions import db
from .problem import PROBLEM_JSON

log = logging.getLogger(__name__)


METHOD_NOT_ALLOWED = define("method_not_allowed", 405, "This address does not accept that method")
NOT_ACCEPTABLE = define("not_acceptable", 406, "The requested response format is not available")
GONE = define("gone", 410, "This no longer exists")
PRECONDITION_FAILED = define("precondition_failed", 412, "The record changed since it was read")
PAYLOAD_TOO_LARGE = define("payload_too_large", 413, "The request body is too large")
UNSUPPORTED_MEDIA_TYPE = define("unsupported_media_type", 415, "The request body has an unsupported type")
RANGE_NOT_SATISFIABLE = define("range_not_satisfiable", 416, "The requested range is not available")
CODE_TAKEN = define("code_taken", 409, "That code or name is already used")
UNAVAILABLE = define("unavailable", 503, "The service is temporarily unavailable")

# The generic code for each HTTP status; a status not listed falls back to bad_request / internal.
GENERIC: dict[int, str] = {
    400: BAD_REQUEST,
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    406: NOT_ACCEPTABLE,
    409: CONFLICT,
    410: GONE,
    412: PRECONDITION_FAILED,
    413: PAYLOAD_TOO_LARGE,
    415: UNSUPPORTED_MEDIA_TYPE,
    416: RANGE_NOT_SATISFIABLE,
    422: INVALID,
    429: RATE_LIMITED,
    500: INTERNAL,
    503: UNAVAILABLE,
}


# Words for the framework's own refusals (an unknown address, a wrong method…), in both languages.
FRAMEWORK_DETAIL: dict[int, str] = {
    400: "请求格式有误 / The request is malformed",
    404: "找不到该地址 / No such address",
    405: "该地址不接受此方法 / This address does not accept that method",
    406: "无法提供所要求的格式 / The requested response format is not available",
    413: "请求内容过大 / The request body is too large",
    415: "不支持的请求内容类型 / Unsupported request body type",
}


def generic_code(status: int) -> str:
    return GENERIC.get(status) or (INTERNAL if status >= 500 else BAD_REQUEST)


def http_error(
    status: int, detail: str | None = None, *, code: str | None = None, headers: dict[str, str] | None = None, **kw: Any
) -> DomainError:
    """A DomainError for an HTTP status, with the generic code unless a specific one is given."""
    exc = DomainError(code or generic_code(status), detail, status=status, **kw)
    if headers:
        exc.headers = headers  # type: ignore[attr-defined]
    return exc


def problem_response(exc: DomainError) -> ResponseReturnValue:
    body = exc.as_problem()
    body["message"] = exc.detail  # the pre-problem+json field, kept for older app versions
    response = jsonify(body)
    response.status_code = exc.status
    response.mimetype = PROBLEM_JSON
    for key, value in (getattr(exc, "headers", None) or {}).items():
        response.headers[key] = value
    retry_after = exc.params.get("retry_after")
    if retry_after and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _field_errors(messages: Any) -> dict[str, Any]:
    """flask-smorest nests field errors by location ({"json": {"name": [...]}}): keep that shape."""
    return messages if isinstance(messages, dict) else {"_schema": messages}


def from_http_exception(exc: HTTPException) -> DomainError:
    status = exc.code or 500
    data = getattr(exc, "data", None)  # flask-smorest/webargs put validation details here
    detail = None
    errors = None
    headers = {k: v for k, v in exc.get_headers() or [] if k.lower() not in ("content-type", "content-length")}
    if isinstance(data, dict):
        detail = data.get("message")
        messages = data.get("messages") or data.get("errors")
        if messages:
            errors = _field_errors(messages)
        headers.update(data.get("headers") or {})
        if status == 422 and not detail:
            fields = sorted({name for where in (errors or {}).values() if isinstance(where, dict) for name in where})
            listed = f": {', '.join(fields)}" if fields else ""
            detail = f"请求内容有误 / The request has invalid fields{listed}"
    if detail is None and status != 500:
        detail = FRAMEWORK_DETAIL.get(status) or getattr(exc, "description", None) or exc.name
    return http_error(status, detail, errors=errors, headers=headers or None)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> ResponseReturnValue:
        db.session.rollback()
        return problem_response(exc)

    @app.errorhandler(HTTPException)
    def werkzeug_error(exc: HTTPException) -> ResponseReturnValue:
        db.session.rollback()
        return problem_response(from_http_exception(exc))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        db.session.rollback()
        log.exception("unhandled error")
        return problem_response(DomainError(INTERNAL, "服务器内部错误 / Internal server error"))
