"""Field types for request schemas. Every integer a client sends fits the 32-bit columns that hold it, so
a huge number is a 422 with a code, never PostgreSQL's "integer out of range"."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1


class Int(fields.Integer):
    """An integer a client sends, bounded to a 32-bit column (narrow it further with ``validate``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        extra = kwargs.pop("validate", None)
        checks: list[Any] = [validate.Range(min=INT_MIN, max=INT_MAX)]
        if extra is not None:
            checks.extend(extra if isinstance(extra, list | tuple) else [extra])
        kwargs.setdefault("strict", False)
        super().__init__(*args, validate=checks, **kwargs)


class Id(Int):
    """A row id: positive and 32-bit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        extra = kwargs.pop("validate", None)
        checks: list[Any] = [validate.Range(min=1)]
        if extra is not None:
            checks.extend(extra if isinstance(extra, list | tuple) else [extra])
        super().__init__(*args, validate=checks, **kwargs)
