"""``/api/errors``: every error code the API can answer, with its HTTP status and meaning. The same list
is in the OpenAPI document as ``x-error-codes``; a problem's ``type`` points here (``/api/errors#code``)."""

from __future__ import annotations

from html import escape
from typing import Any

from flask import Blueprint, Response, jsonify, request

from domain.errors import CODES

bp = Blueprint("error_codes", __name__)


def catalogue() -> list[dict[str, Any]]:
    return [
        {"code": c.code, "status": c.status, "title": c.title} for c in sorted(CODES.values(), key=lambda c: c.code)
    ]


@bp.get("/api/errors")
def error_codes() -> Response:
    rows = catalogue()
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        items = "".join(
            f'<tr id="{escape(r["code"])}"><td><code>{escape(r["code"])}</code></td>'
            f"<td>{r['status']}</td><td>{escape(r['title'])}</td></tr>"
            for r in rows
        )
        page = (
            '<!doctype html><html lang="en"><meta charset="utf-8"><title>Yanshou API error codes</title>'
            "<h1>Error codes</h1><p>Every error is <code>application/problem+json</code> with one of these "
            f"codes.</p><table><tr><th>code</th><th>status</th><th>meaning</th></tr>{items}</table></html>"
        )
        return Response(page, mimetype="text/html")
    return jsonify(rows)


def document(spec: Any) -> None:
    """List the codes in the OpenAPI document (call once every module has defined its codes)."""
    spec.options["x-error-codes"] = catalogue()
