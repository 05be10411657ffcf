"""Import units from a CSV or XLSX sheet: all rows or none, and the same file twice changes nothing.

Columns (Chinese or English headers): 楼栋/building, 单元/entrance, 楼层/floor, 房号/number,
户型/plan_type, 面积/area_m2 (optional). Buildings are created on first sight; 户型 must exist.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import DomainError, define
from domain.models import Building, PlanType, Unit

HEADERS = {
    "building": ("building", "楼栋", "楼号"),
    "entrance": ("entrance", "单元"),
    "floor": ("floor", "楼层"),
    "number": ("number", "房号", "户号"),
    "plan_type": ("plan_type", "户型"),
    "area_m2": ("area_m2", "面积", "建筑面积"),
}
REQUIRED = ("building", "floor", "number")


UNIT_IMPORT_UNREADABLE = define("unit_import_unreadable", 422, "The file is neither CSV nor XLSX")
UNIT_IMPORT_INVALID = define("unit_import_invalid", 422, "The unit list has errors; nothing was imported")


def _refused(message: str, errors: list[dict[str, Any]] | None = None) -> DomainError:
    """The whole file is refused; ``errors["rows"]`` lists every problem found, by row."""
    return DomainError(UNIT_IMPORT_INVALID, message, errors={"rows": errors} if errors else None)


def _unreadable(message: str) -> DomainError:
    return DomainError(UNIT_IMPORT_UNREADABLE, message)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    buildings_created: list[str] = field(default_factory=list)


def read_rows(filename: str, data: bytes, max_rows: int) -> list[list[str]]:
    """The sheet as rows of stripped strings, header first; the format is decided by content."""
    if data[:4] == b"PK\x03\x04":
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for corrupt archives
            raise _unreadable(f"无法读取 Excel 文件 / Cannot read the XLSX file: {exc}") from exc
        ws = wb.worksheets[0]
        rows = []
        for row in ws.iter_rows(values_only=True):
            rows.append(["" if v is None else _cell(v) for v in row])
            if len(rows) > max_rows + 1:
                break
        wb.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")  # Excel on Chinese Windows saves CSV as GBK
            except UnicodeDecodeError as exc:
                raise _unreadable("文件不是 CSV 或 XLSX / The file is neither CSV (UTF-8/GBK) nor XLSX") from exc
        if "\x00" in text:
            raise _unreadable("文件不是 CSV 或 XLSX / The file is neither CSV nor XLSX")
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]
    rows = [r for r in rows if any(c for c in r)]
    if len(rows) - 1 > max_rows:
        raise _refused(f"文件超过 {max_rows} 行 / The file has more than {max_rows} rows")
    if len(rows) < 2:
        raise _refused("文件没有数据行 / The file has no data rows")
    return rows


def _cell(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _columns(header: list[str]) -> dict[str, int]:
    lookup = {alias.lower(): key for key, aliases in HEADERS.items() for alias in aliases}
    cols: dict[str, int] = {}
    for i, name in enumerate(header):
        key = lookup.get(name.strip().lower())
        if key is not None and key not in cols:
            cols[key] = i
    missing = [k for k in REQUIRED if k not in cols]
    if missing:
        names = ", ".join(f"{HEADERS[k][1]}/{k}" for k in missing)
        raise _refused(f"缺少列 / Missing columns: {names}")
    return cols


def import_units(session: Session, project_id: int, rows: list[list[str]]) -> ImportResult:
    cols = _columns(rows[0])
    plan_types = {p.code: p.id for p in session.scalars(select(PlanType).where(PlanType.project_id == project_id))}
    plan_types.update(
        {p.name: p.id for p in session.scalars(select(PlanType).where(PlanType.project_id == project_id))}
    )
    buildings = {b.code: b for b in session.scalars(select(Building).where(Building.project_id == project_id))}
    existing = {
        (u.building_id, u.entrance, u.number): u
        for u in session.scalars(select(Unit).where(Unit.project_id == project_id))
    }
    errors: list[dict[str, Any]] = []
    parsed: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}

    def get(row: list[str], key: str) -> str:
        i = cols.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    for line, row in enumerate(rows[1:], start=2):
        rec: dict[str, Any] = {"line": line}
        problems = []
        building = get(row, "building").removesuffix("栋").removesuffix("号楼")
        entrance = get(row, "entrance").removesuffix("单元") or "1"
        number = get(row, "number")
        for key, value in (("building", building), ("number", number)):
            if not value:
                problems.append(f"{key} 为空 / {key} is empty")
        try:
            rec["floor"] = int(get(row, "floor").removesuffix("层"))
            if not -5 <= rec["floor"] <= 200:
                problems.append("floor 超出范围 / floor out of range (-5..200)")
        except ValueError:
            problems.append(f"floor 不是整数 / floor is not a whole number: {get(row, 'floor')!r}")
        plan = get(row, "plan_type")
        rec["plan_type_id"] = None
        if plan:
            rec["plan_type_id"] = plan_types.get(plan)
            if rec["plan_type_id"] is None:
                problems.append(f"户型不存在 / unknown plan type {plan!r}")
        area = get(row, "area_m2")
        rec["area_m2"] = None
        if area:
            try:
                rec["area_m2"] = float(area)
                if not 0 < rec["area_m2"] < 10000:
                    raise ValueError
            except ValueError:
                problems.append(f"面积无效 / invalid area {area!r}")
        unit_key = (building, entrance, number)
        if number and unit_key in seen:
            problems.append(f"与第 {seen[unit_key]} 行重复 / duplicate of row {seen[unit_key]}")
        seen.setdefault(unit_key, line)
        if len(building) > 40 or len(entrance) > 20 or len(number) > 20:
            problems.append("值过长 / a value is too long")
        if problems:
            errors.append({"row": line, "errors": problems})
            continue
        rec.update(building=building, entrance=entrance, number=number)
        parsed.append(rec)

    if errors:
        raise _refused(
            f"{len(errors)} 行有错误，未导入任何数据 / {len(errors)} rows have errors; nothing was imported",
            errors[:200],
        )

    result = ImportResult()
    for rec in parsed:
        b = buildings.get(rec["building"])
        if b is None:
            b = Building(project_id=project_id, code=rec["building"], name=f"{rec['building']}栋", floors=1)
            session.add(b)
            session.flush()
            buildings[b.code] = b
            result.buildings_created.append(b.code)
        b.floors = max(b.floors, rec["floor"])
        unit = existing.get((b.id, rec["entrance"], rec["number"]))
        values = {"floor": rec["floor"], "plan_type_id": rec["plan_type_id"], "area_m2": rec["area_m2"]}
        if unit is None:
            session.add(
                Unit(project_id=project_id, building_id=b.id, entrance=rec["entrance"], number=rec["number"], **values)
            )
            result.created += 1
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(unit, k, v)
            result.updated += 1
        else:
            result.unchanged += 1
    return result
