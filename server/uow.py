"""Every request is one unit of work: the view runs, then ``domain.transaction.run`` commits (or retries the
whole view after a deadlock or serialization failure). Views and services never commit themselves."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask

from domain import transaction

from .extensions import db


def transactional(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return transaction.run(db.session(), lambda: view(*args, **kwargs))

    wrapper._transactional = True  # type: ignore[attr-defined]
    return wrapper


def init_app(app: Flask) -> None:
    """Wrap every registered view (call after the blueprints are registered)."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "_transactional", False):
            app.view_functions[endpoint] = transactional(view)
