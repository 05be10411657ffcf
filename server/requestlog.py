"""One structured JSON log line per request, tagged with a request id (taken from X-Request-ID or made)."""

from __future__ import annotations

import json
import logging
import time
import uuid

from flask import Flask, Response, g, request

log = logging.getLogger("yanshou.request")


def init_app(app: Flask) -> None:
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming[:64] if incoming.isprintable() and incoming else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if app.config.get("TESTING") and not app.config.get("LOG_REQUESTS"):
            return response
        user = g.get("user")
        log.info(
            json.dumps(
                {
                    "request_id": g.get("request_id"),
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
                    "user": user.id if user is not None else None,
                    "bytes": response.calculate_content_length(),
                },
                ensure_ascii=False,
            )
        )
        return response
