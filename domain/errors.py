"""One family of errors with stable machine codes.

A ``DomainError`` carries a ``code`` that never changes once published, the HTTP status it maps to, and
parameters the client may use to word it. The server renders every one as ``application/problem+json``
(``server/errors.py``); sync results carry the same codes per mutation; the PWA words each code in
Chinese and English from its catalogue (``pwa/src/i18n/errors.js``), and a test checks that every code
defined here has words there.

Define a code once, next to nothing else: ``define("photo_not_visible", 403, "...")`` at module level,
then ``raise DomainError("photo_not_visible", sha256=...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    title: str  # English, for logs and API readers; users see the PWA's wording of the code


CODES: dict[str, ErrorCode] = {}


def define(code: str, status: int, title: str) -> str:
    existing = CODES.get(code)
    if existing is not None and (existing.status, existing.title) != (status, title):
        raise ValueError(f"error code {code!r} is defined twice, differently")
    CODES[code] = ErrorCode(code, status, title)
    return code


class DomainError(Exception):
    """A refusal a user can understand: ``code`` (stable), ``detail`` (this case, bilingual), ``params``."""

    def __init__(
        self,
        code: str,
        detail: str | None = None,
        *,
        errors: dict[str, Any] | None = None,
        status: int | None = None,
        **params: Any,
    ) -> None:
        spec = CODES.get(code)
        if spec is None:
            raise KeyError(f"undefined error code {code!r}; define it with domain.errors.define")
        self.code = code
        self.status = status or spec.status
        self.title = spec.title
        self.detail = detail or spec.title
        self.errors = errors
        self.params = params
        super().__init__(f"{code}: {self.detail}")

    def as_problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"/api/errors#{self.code}",
            "code": self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        if self.params:
            body["params"] = self.params
        return body


# Codes every layer uses. Feature modules define their own next to where they raise them.
NOT_FOUND = define("not_found", 404, "Not found, or not visible to you")
FORBIDDEN = define("forbidden", 403, "Your role may not do this")
INVALID = define("invalid", 422, "The request has invalid fields")
BAD_REQUEST = define("bad_request", 400, "The request is malformed")
CONFLICT = define("conflict", 409, "The request conflicts with the current state")
UNAUTHORIZED = define("unauthorized", 401, "Log in again")
RATE_LIMITED = define("rate_limited", 429, "Too many attempts; wait and try again")
INTERNAL = define("internal", 500, "Internal server error")
