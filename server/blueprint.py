"""The API blueprint: flask-smorest's, with the unit of work's flush before a response is serialised.

The request's unit of work (server/uow.py) commits after the view returns, which is after flask-smorest
has dumped the result; a row the view added would be dumped without its generated id. Flushing between
the view and the dump sends the SQL (ids, defaults, constraint errors) while the response is still to be
written; the commit still happens once, after.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import flask_smorest

from .extensions import db


class Blueprint(flask_smorest.Blueprint):
    def response(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        document = super().response(*args, **kwargs)

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            @wraps(func)
            def flushed(*a: Any, **k: Any) -> Any:
                result = func(*a, **k)
                db.session.flush()
                return result

            return document(flushed)

        return decorator
