"""Every request is one unit of work: the view runs, then ``domain.transaction.run`` commits (or retries the
whole view after a deadlock or serialization failure). Views and services never commit themselves.

A view declares what its unit needs beyond that with a decorator, written right above its ``def``:
``@uow.races`` reruns it after a first-write race too (``domain.transaction``). A refusal whose clean-up
must stay is raised as ``transaction.keeping(error)``; any other exception rolls the unit back."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask

from domain import transaction

from .extensions import db


def races(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view's unit of work also reruns after a unique violation (a first-write race)."""
    view._uow_races = True  # type: ignore[attr-defined]  # carried up by functools.wraps
    return view


def transactional(view: Callable[..., Any]) -> Callable[..., Any]:
    retry_races = getattr(view, "_uow_races", False)

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return transaction.run(db.session(), lambda: view(*args, **kwargs), races=retry_races)

    wrapper._transactional = True  # type: ignore[attr-defined]
    return wrapper


def init_app(app: Flask) -> None:
    """Wrap every registered view (call after the blueprints are registered)."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "_transactional", False):
            app.view_functions[endpoint] = transactional(view)
