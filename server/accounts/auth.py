"""The request's user, from its bearer token, and the decorators that require one."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request

from domain.errors import FORBIDDEN, UNAUTHORIZED, DomainError
from domain.models import User

from ..errors import http_error
from ..http import dbs
from . import service

F = TypeVar("F", bound=Callable[..., Any])


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def current_user() -> User:
    user = g.get("user")
    if user is None:
        raise DomainError(UNAUTHORIZED, "请先登录 / Please log in")
    return cast(User, user)


def login_required(*roles: str) -> Callable[[F], F]:
    """Require a valid token; with roles, also one of those roles (403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = bearer_token()
            user = service.user_for_token(dbs(), token) if token else None
            if user is None:
                raise http_error(
                    401,
                    "登录已失效，请重新登录 / Not logged in or the session has ended",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if roles and user.role not in roles:
                raise DomainError(FORBIDDEN, "当前角色无权执行此操作 / Your role may not do this")
            g.user = user
            return view(*args, **kwargs)

        wrapper._login_required = True  # type: ignore[attr-defined]
        return cast(F, wrapper)

    return decorator
