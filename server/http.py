"""HTTP helpers shared by the views."""

from __future__ import annotations

from typing import Any, NoReturn

from flask_smorest import abort as _abort
from sqlalchemy.orm import Session

from .extensions import db


def abort(status: int, *, message: str, **kwargs: Any) -> NoReturn:
    """Stop the request with a JSON error whose message a person can act on ("中文 / English")."""
    _abort(status, message=message, **kwargs)
    raise AssertionError("unreachable")  # flask_smorest.abort always raises


def dbs() -> Session:
    """The request's SQLAlchemy session, as the plain Session the services take."""
    return db.session()
