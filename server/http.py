"""HTTP helpers shared by the views."""

from __future__ import annotations

from typing import Any, NoReturn

from sqlalchemy.orm import Session

from .errors import http_error
from .extensions import db


def abort(status: int, *, message: str, code: str | None = None, **kwargs: Any) -> NoReturn:
    """Stop the request with a problem+json error: ``code`` (the status's generic code unless given) and a
    message a person can act on ("中文 / English"). Prefer raising a ``DomainError`` with a specific code."""
    raise http_error(status, message, code=code, **kwargs)


def dbs() -> Session:
    """The request's SQLAlchemy session, as the plain Session the services take."""
    return db.session()
