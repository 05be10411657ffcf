"""Liveness (the process answers) and readiness (the database answers)."""

from flask import Blueprint
from sqlalchemy import text

from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    return {"status": "ok"}, 200


@bp.get("/readyz")
def readyz() -> tuple[dict[str, str], int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not ready", never a crash
        db.session.rollback()
        return {"status": "unavailable", "message": f"database: {type(exc).__name__}"}, 503
    return {"status": "ok"}, 200
