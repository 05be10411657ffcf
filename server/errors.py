"""Every error is JSON with a message a person can act on; unexpected ones never leak a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

from domain.errors import DomainError

from .extensions import db

log = logging.getLogger(__name__)


PROBLEM_JSON = "application/problem+json"


def problem_response(exc: DomainError) -> ResponseReturnValue:
    response = jsonify(exc.as_problem())
    response.status_code = exc.status
    response.mimetype = PROBLEM_JSON
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> ResponseReturnValue:
        db.session.rollback()
        return problem_response(exc)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        db.session.rollback()
        body: dict[str, object] = {
            "code": exc.code,
            "status": exc.name,
            "message": getattr(exc, "description", None) or exc.name,
        }
        data = getattr(exc, "data", None)  # flask-smorest puts validation details here
        if isinstance(data, dict):
            if data.get("message"):
                body["message"] = data["message"]
            if data.get("messages") or data.get("errors"):
                body["errors"] = data.get("messages") or data["errors"]
            if exc.code == 422 and not data.get("message"):
                fields = sorted({name for where in (data.get("messages") or {}).values() for name in where})
                listed = f": {', '.join(fields)}" if fields else ""
                body["message"] = f"请求内容有误 / The request has invalid fields{listed}"
        response = jsonify(body)
        response.status_code = exc.code or 500
        for key, value in exc.get_headers() or []:
            if key.lower() not in ("content-type", "content-length"):
                response.headers[key] = value
        if isinstance(data, dict):
            for key, value in (data.get("headers") or {}).items():
                response.headers[key] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        db.session.rollback()
        log.exception("unhandled error")
        return http_error(InternalServerError("服务器内部错误 / Internal server error"))
