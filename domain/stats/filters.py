"""The filters every statistic, report and export takes, parsed from query parameters once.

Unknown filters are refused (a typo must not silently widen a number a manager is judged on).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, select

from ..errors import DomainError, define
from ..models import Defect, DefectType, Inspection, Unit

UNKNOWN_FILTER = define("stats_unknown_filter", 400, "Unknown filter")
BAD_FILTER = define("stats_bad_filter", 422, "A filter has an invalid value")

INT_MAX = 2**31 - 1
CATEGORY_MAX = 20  # DefectType.category
LOCAL = timezone(timedelta(hours=8))  # China Standard Time (UTC+8, no daylight saving), as in sqlfn


@dataclass(frozen=True)
class Filters:
    building_id: int | None = None
    inspection_id: uuid.UUID | None = None  # the batch (检查批次)
    contractor_id: int | None = None
    type_id: int | None = None
    category: str | None = None
    date_from: date | None = None  # found on or after (local date)
    date_to: date | None = None  # found on or before (local date)
    owner_raised: bool | None = None  # 业主提出 only (true) or only the others (false)

    def as_query(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) is not None}


NAMES = tuple(f.name for f in fields(Filters))
ALIASES = {"batch": "inspection_id", "building": "building_id", "contractor": "contractor_id", "type": "type_id"}


def _int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise DomainError(BAD_FILTER, f"{name} 应为整数 / {name} must be an integer", field=name) from None
    if not 1 <= value <= INT_MAX:
        raise DomainError(BAD_FILTER, f"{name} 超出范围 / {name} is out of range", field=name)
    return value


def _date(name: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(BAD_FILTER, f"{name} 应为日期 YYYY-MM-DD / {name} must be a date", field=name) from None


def parse(args: Mapping[str, Any], *, allowed_extra: tuple[str, ...] = ()) -> Filters:
    """Filters from query parameters (a werkzeug MultiDict or a dict). Keys in ``allowed_extra`` are
    left for the caller (e.g. ``format`` of an export)."""
    values: dict[str, Any] = {}
    for key in args:
        if key in allowed_extra:
            continue
        name = ALIASES.get(key, key)
        if name not in NAMES:
            raise DomainError(UNKNOWN_FILTER, f"未知筛选条件 {key[:40]} / Unknown filter", filter=key[:40], known=NAMES)
        getlist = getattr(args, "getlist", None)
        many = getlist(key) if getlist else [args[key]]
        if len(many) != 1 or name in values:
            raise DomainError(BAD_FILTER, f"{name} 只能给一个值 / {name} takes one value", field=name)
        raw = str(many[0]).strip()
        if raw == "":
            continue
        if name == "inspection_id":
            try:
                values[name] = uuid.UUID(raw)
            except ValueError:
                raise DomainError(BAD_FILTER, "批次编号无效 / inspection_id is not a UUID", field=name) from None
        elif name == "category":
            if len(raw) > CATEGORY_MAX:
                raise DomainError(BAD_FILTER, "类别过长 / category is too long", field=name)
            values[name] = raw
        elif name == "owner_raised":
            if raw.lower() not in ("true", "false", "1", "0"):
                raise DomainError(
                    BAD_FILTER, "owner_raised 应为 true 或 false / owner_raised must be true or false", field=name
                )
            values[name] = raw.lower() in ("true", "1")
        elif name in ("date_from", "date_to"):
            values[name] = _date(name, raw)
        else:
            values[name] = _int(name, raw)
    result = Filters(**values)
    if result.date_from and result.date_to and result.date_from > result.date_to:
        raise DomainError(BAD_FILTER, "开始日期晚于结束日期 / date_from is after date_to", field="date_from")
    return result


def local_midnight(day: date) -> datetime:
    """00:00 of a local (UTC+8) day, as a UTC timestamp."""
    return datetime.combine(day, time(0), LOCAL).astimezone(UTC)


def round_conditions(project_id: int, f: Filters) -> list[ColumnElement[bool]]:
    """Where (building), in which round and when: the filters that say which inspections count."""
    conds: list[ColumnElement[bool]] = [Defect.project_id == project_id, Defect.status != "void"]
    if f.building_id is not None:
        conds.append(Defect.unit_id.in_(select(Unit.id).where(Unit.building_id == f.building_id)))
    if f.inspection_id is not None:
        conds.append(Defect.inspection_id == f.inspection_id)
    if f.date_from is not None:
        conds.append(Defect.created_at >= local_midnight(f.date_from))
    if f.date_to is not None:
        conds.append(Defect.created_at < local_midnight(f.date_to + timedelta(days=1)))
    return conds


def defect_conditions(project_id: int, f: Filters) -> list[ColumnElement[bool]]:
    """Every filter: the defects a number is computed over (never void ones)."""
    conds = round_conditions(project_id, f)
    if f.contractor_id is not None:
        conds.append(Defect.contractor_id == f.contractor_id)
    if f.type_id is not None:
        conds.append(Defect.type_id == f.type_id)
    if f.category is not None:
        conds.append(Defect.type_id.in_(select(DefectType.id).where(DefectType.category == f.category)))
    if f.owner_raised is not None:
        conds.append(Defect.owner_raised.is_(f.owner_raised))
    return conds


def inspection_conditions(project_id: int, f: Filters) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [Inspection.project_id == project_id]
    if f.inspection_id is not None:
        conds.append(Inspection.id == f.inspection_id)
    if f.date_from is not None:
        conds.append(Inspection.started_on >= f.date_from)
    if f.date_to is not None:
        conds.append(Inspection.started_on <= f.date_to)
    return conds
