"""Serves the built PWA (pwa/dist): the app shell, hashed assets with a long cache, and the service
worker, manifest and index.html with no-cache so a new version is found on the next visit."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, send_from_directory
from werkzeug.exceptions import NotFound

bp = Blueprint("web", __name__)

DEFAULT_DIST = Path(__file__).resolve().parent.parent / "pwa" / "dist"
NO_CACHE = ("index.html", "sw.js", "manifest.webmanifest", "version.json")
BUILD_HINT = (
    "前端尚未构建 / The PWA is not built yet. Build it with: cd pwa && npm ci && npm run build (then reload this page)."
)


def dist_dir() -> Path:
    return Path(current_app.config.get("PWA_DIST") or os.environ.get("PWA_DIST") or DEFAULT_DIST)


def _send(name: str) -> Response:
    dist = dist_dir()
    if not (dist / "index.html").is_file():
        response = jsonify(code=503, status="Service Unavailable", message=BUILD_HINT)
        response.status_code = 503
        return response
    response = send_from_directory(dist, name)
    if name in NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    elif name.startswith("assets/"):
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=86400"
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/")
def index() -> Response:
    return _send("index.html")


@bp.route("/<path:name>")
def static_file(name: str) -> Response:
    if name.startswith("api/"):
        raise NotFound()
    return _send(name)
