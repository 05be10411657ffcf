"""Swagger UI assets served locally: sites often have no internet, so no CDN."""

from flask import Blueprint, send_from_directory
from flask.typing import ResponseReturnValue
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs_assets", __name__)


@bp.get("/api/docs/assets/<path:filename>")
def swagger_assets(filename: str) -> ResponseReturnValue:
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
