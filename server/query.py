"""Query strings: a parameter the endpoint does not support is refused with the list of those it does,
never silently ignored (a filter that "works" by changing nothing hides mistakes from users and scripts).

``Filters`` keeps an endpoint's filters in one table: each is a schema field and the SQL condition it
adds, so a new filter is one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, pre_load
from sqlalchemy import ColumnElement, Select

from domain.errors import DomainError, define

UNKNOWN_FILTER = define("unknown_filter", 400, "The request names a query parameter this endpoint does not support")


class QuerySchema(Schema):
    """Base for query-string schemas: unknown parameters are a 400 naming the supported ones."""

    @pre_load
    def _refuse_unknown(self, data: Any, **kwargs: Any) -> Any:
        names = {f.data_key or name for name, f in self.load_fields.items()}
        unknown = sorted(set(data.keys()) - names)
        if unknown:
            supported = sorted(names)
            raise DomainError(
                UNKNOWN_FILTER,
                f"不支持的查询参数 / Unsupported query parameters: {', '.join(unknown)}; "
                f"supported: {', '.join(supported)}",
                errors={"query": {name: [f"Unknown parameter; supported: {', '.join(supported)}"] for name in unknown}},
                unknown=unknown,
                supported=supported,
            )
        return data


@dataclass(frozen=True)
class Filter:
    name: str
    field: fields.Field
    condition: Callable[[Any], ColumnElement[bool]]


class Filters:
    """An endpoint's filters: ``schema()`` documents and validates them, ``apply()`` adds their conditions."""

    def __init__(self, *filters: Filter) -> None:
        self._filters: dict[str, Filter] = {}
        for f in filters:
            self.add(f.name, f.field, f.condition)

    def add(self, name: str, field: fields.Field, condition: Callable[[Any], ColumnElement[bool]]) -> None:
        if name in self._filters:
            raise ValueError(f"filter {name!r} is defined twice")
        self._filters[name] = Filter(name, field, condition)

    def names(self) -> Iterable[str]:
        return self._filters.keys()

    def install(self, schema: type[QuerySchema]) -> type[QuerySchema]:
        """Give ``schema`` one field per filter (call once every filter is added). Subclasses made after
        this inherit them, as marshmallow collects declared fields along the MRO."""
        schema._declared_fields.update({f.name: f.field for f in self._filters.values()})
        return schema

    def conditions(self, query: dict[str, Any]) -> list[ColumnElement[bool]]:
        return [f.condition(query[name]) for name, f in self._filters.items() if query.get(name) not in (None, [], "")]

    def apply(self, stmt: Select[Any], query: dict[str, Any]) -> Select[Any]:
        return stmt.where(*self.conditions(query))
