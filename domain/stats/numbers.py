"""The numbers managers are judged on, computed by SQL aggregation (docs/statistics.md defines each).

Every function runs a handful of aggregate queries; no defect row is loaded into Python.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, union
from sqlalchemy.orm import Session

from ..models import (
    Contractor,
    Defect,
    DefectType,
    HomeownerUnit,
    Inspection,
    InspectionCheckin,
    Invitation,
    Unit,
    UnitInspection,
)
from ..policy import CUSTOMER_FACING_KINDS
from .filters import LOCAL, Filters, defect_conditions, inspection_conditions, round_conditions
from .sqlfn import days_between, local_date, month_of, week_start

COMPLETED = ("closed", "visited")  # 整改完成: re-check passed
UNFINISHED = ("open", "assigned", "fixed")
REPAIRED = ("fixed", "closed", "visited")
# Rounds whose attendance (到访率) counts: the homeowner-facing walkthroughs before delivery.
ATTENDANCE_KINDS = tuple(k for k in CUSTOMER_FACING_KINDS if k != "warranty")

# Targets from the seeds (docs/statistics.md); a number without a cited target has none.
TARGETS: dict[str, float] = {
    "completion_rate": 1.0,  # 100% rectification before the 交付许可令 (碧桂园)
    "attendance_rate": 0.8,  # ≥ 80% of invited homeowners at the open day
    "satisfaction_mean": 4.0,  # "80+" satisfaction, on the 1..5 follow-up scale
}


def _sum(cond: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _ratio(num: int | None, den: int | None) -> float | None:
    return None if not den else round((num or 0) / den, 4)


def completed() -> ColumnElement[bool]:
    return and_(Defect.status.in_(COMPLETED), Defect.closed_at.is_not(None))


def has_deadline() -> ColumnElement[bool]:
    return or_(Defect.fix_due_at.is_not(None), Defect.due_date.is_not(None))


def closed_on_time() -> ColumnElement[bool]:
    """Closed by fix_due_at; without one, by the end of the due_date (local day)."""
    return or_(
        and_(Defect.fix_due_at.is_not(None), Defect.closed_at <= Defect.fix_due_at),
        and_(
            Defect.fix_due_at.is_(None),
            Defect.due_date.is_not(None),
            local_date(Defect.closed_at) <= Defect.due_date,
        ),
    )


def overdue(now: datetime) -> ColumnElement[bool]:
    """Unfinished and past its deadline at ``now``."""
    today = now.astimezone(LOCAL).date()
    return and_(
        Defect.status.in_(UNFINISHED),
        or_(
            and_(Defect.fix_due_at.is_not(None), Defect.fix_due_at < now),
            and_(Defect.fix_due_at.is_(None), Defect.due_date.is_not(None), Defect.due_date < today),
        ),
    )


def headline(session: Session, project_id: int, f: Filters, now: datetime) -> dict[str, Any]:
    conds = defect_conditions(project_id, f)
    done = completed()
    row = session.execute(
        select(
            func.count().label("defects"),
            _sum(Defect.inspection_id.is_not(None)).label("found_in_rounds"),
            _sum(done).label("completed"),
            _sum(and_(done, has_deadline())).label("completed_with_deadline"),
            _sum(and_(done, has_deadline(), closed_on_time())).label("on_time"),
            _sum(overdue(now)).label("overdue"),
            _sum(or_(Defect.status.in_(REPAIRED), Defect.repeat_count > 0)).label("repaired"),
            _sum(Defect.repeat_count > 0).label("repeated"),
            func.avg(case((done, days_between(Defect.created_at, Defect.closed_at)))).label("days_to_fix"),
            func.avg(Defect.satisfaction).label("satisfaction_mean"),
            func.count(Defect.satisfaction).label("satisfaction_count"),
            _sum(Defect.severity == "A").label("grade_a"),
        ).where(*conds)
    ).one()
    units = inspected_units(session, project_id, f)
    att = attendance(session, project_id, f)
    numbers = {
        "defects": row.defects,
        "found_in_rounds": row.found_in_rounds,
        "units_inspected": units["inspected"],
        "units_zero_defect": units["zero_defect"],
        "defects_per_unit": None if not units["inspected"] else round(row.found_in_rounds / units["inspected"], 2),
        "zero_defect_rate": _ratio(units["zero_defect"], units["inspected"]),
        "completed": row.completed,
        "completion_rate": _ratio(row.completed, row.defects),
        "completed_with_deadline": row.completed_with_deadline,
        "on_time": row.on_time,
        "on_time_rate": _ratio(row.on_time, row.completed_with_deadline),
        "overdue": row.overdue,
        "repaired": row.repaired,
        "repeated": row.repeated,
        "repeat_rate": _ratio(row.repeated, row.repaired),
        "days_to_fix_mean": None if row.days_to_fix is None else round(float(row.days_to_fix), 1),
        "satisfaction_mean": None if row.satisfaction_mean is None else round(float(row.satisfaction_mean), 2),
        "satisfaction_count": row.satisfaction_count,
        "grade_a": row.grade_a,
        "attendance_invited": att["invited"],
        "attendance_attended": att["attended"],
        "attendance_rate": _ratio(att["attended"], att["invited"]),
    }
    return numbers


def inspected_units(session: Session, project_id: int, f: Filters) -> dict[str, int]:
    """Units inspected in a round (checklist done, or a defect found in the round) and, of those, the
    units with no defect under the filters."""
    rounds = select(Inspection.id).where(*inspection_conditions(project_id, f))
    done = select(UnitInspection.unit_id.label("unit_id")).where(
        UnitInspection.status == "done", UnitInspection.inspection_id.in_(rounds)
    )
    if f.building_id is not None:
        done = done.where(UnitInspection.unit_id.in_(select(Unit.id).where(Unit.building_id == f.building_id)))
    found = select(Defect.unit_id.label("unit_id")).where(
        *round_conditions(project_id, f), Defect.inspection_id.is_not(None)
    )
    inspected = union(done, found).subquery()
    with_defects = select(Defect.unit_id).where(*defect_conditions(project_id, f))
    row = session.execute(
        select(
            func.count().label("inspected"),
            _sum(inspected.c.unit_id.not_in(with_defects)).label("zero_defect"),
        ).select_from(inspected)
    ).one()
    return {"inspected": row.inspected, "zero_defect": row.zero_defect}


def attendance(session: Session, project_id: int, f: Filters) -> dict[str, int]:
    """到访率 where known: over homeowner-facing rounds with at least one check-in, the (round, unit) pairs
    of units with a homeowner or an invitation (or a check-in) and, of those, the ones checked in."""
    rounds = (
        select(Inspection.id, Inspection.building_id)
        .where(
            *inspection_conditions(project_id, f),
            Inspection.kind.in_(ATTENDANCE_KINDS),
            Inspection.id.in_(select(InspectionCheckin.inspection_id)),
        )
        .subquery()
    )
    units = select(Unit.id, Unit.building_id).where(Unit.project_id == project_id)
    if f.building_id is not None:
        units = units.where(Unit.building_id == f.building_id)
    u = units.subquery()
    invited_units = union(select(HomeownerUnit.unit_id), select(Invitation.unit_id)).subquery()
    invited = (
        select(rounds.c.id.label("inspection_id"), u.c.id.label("unit_id"))
        .select_from(rounds)
        .join(u, or_(rounds.c.building_id.is_(None), rounds.c.building_id == u.c.building_id))
        .where(u.c.id.in_(select(invited_units.c.unit_id)))
    )
    checked = (
        select(InspectionCheckin.inspection_id, InspectionCheckin.unit_id)
        .where(InspectionCheckin.inspection_id.in_(select(rounds.c.id)))
        .where(InspectionCheckin.unit_id.in_(select(u.c.id)))
    )
    pairs = union(invited, checked).subquery()
    attended = select(InspectionCheckin.id).where(
        InspectionCheckin.inspection_id == pairs.c.inspection_id, InspectionCheckin.unit_id == pairs.c.unit_id
    )
    row = session.execute(
        select(func.count().label("invited"), _sum(attended.exists()).label("attended")).select_from(pairs)
    ).one()
    return {"invited": row.invited, "attended": row.attended}


def top_types(session: Session, project_id: int, f: Filters, limit: int = 10) -> list[dict[str, Any]]:
    counts = (
        select(Defect.type_id, func.count().label("n"))
        .where(*defect_conditions(project_id, f))
        .group_by(Defect.type_id)
        .subquery()
    )
    rows = session.execute(
        select(counts.c.type_id, counts.c.n, DefectType.name_zh, DefectType.name_en, DefectType.category)
        .join(DefectType, DefectType.id == counts.c.type_id)
        .order_by(counts.c.n.desc(), counts.c.type_id)
        .limit(limit)
    ).all()
    return [
        {"type_id": r.type_id, "name_zh": r.name_zh, "name_en": r.name_en, "category": r.category, "defects": r.n}
        for r in rows
    ]


def weekly_trend(session: Session, project_id: int, f: Filters) -> list[dict[str, Any]]:
    """Defects found and closed per week (Monday, local time)."""
    conds = defect_conditions(project_id, f)
    found_week = week_start(Defect.created_at)
    closed_week = week_start(Defect.closed_at)
    found = select(found_week.label("week"), literal("found").label("what"), func.count().label("n"))
    found = found.where(*conds).group_by(found_week)
    closed = select(closed_week.label("week"), literal("closed").label("what"), func.count().label("n"))
    closed = closed.where(*conds, completed()).group_by(closed_week)
    weeks: dict[str, dict[str, Any]] = {}
    for week, what, n in session.execute(union(found, closed)).all():
        key = str(week)
        weeks.setdefault(key, {"week": key, "found": 0, "closed": 0})[what] = n
    return [weeks[k] for k in sorted(weeks)]


def scorecard(session: Session, project_id: int, f: Filters) -> list[dict[str, Any]]:
    """Per contractor and month of assignment (the month a defect was dispatched, else found)."""
    conds = defect_conditions(project_id, f)
    month = month_of(func.coalesce(Defect.assigned_at, Defect.created_at))
    done = completed()
    responded = and_(Defect.accepted_at.is_not(None), Defect.response_due_at.is_not(None))
    grouped = (
        select(
            Defect.contractor_id.label("contractor_id"),
            month.label("month"),
            func.count().label("assigned"),
            _sum(Defect.response_due_at.is_not(None)).label("with_response_due"),
            _sum(and_(responded, Defect.accepted_at <= Defect.response_due_at)).label("accepted_in_time"),
            _sum(done).label("closed"),
            _sum(and_(done, has_deadline())).label("closed_with_deadline"),
            _sum(and_(done, has_deadline(), closed_on_time())).label("on_time"),
            _sum(Defect.repeat_count > 0).label("repeat_repairs"),
            func.avg(Defect.satisfaction).label("satisfaction_mean"),
        )
        .where(*conds, Defect.contractor_id.is_not(None))
        .group_by(Defect.contractor_id, month)
        .subquery()
    )
    rows = session.execute(
        select(grouped, Contractor.name)
        .join(Contractor, Contractor.id == grouped.c.contractor_id)
        .order_by(grouped.c.month.desc(), Contractor.name)
    ).all()
    return [
        {
            "contractor_id": r.contractor_id,
            "contractor": r.name,
            "month": str(r.month),
            "assigned": r.assigned,
            "accepted_in_time": r.accepted_in_time,
            "accepted_in_time_rate": _ratio(r.accepted_in_time, r.with_response_due),
            "closed": r.closed,
            "on_time": r.on_time,
            "on_time_rate": _ratio(r.on_time, r.closed_with_deadline),
            "repeat_repairs": r.repeat_repairs,
            "satisfaction_mean": None if r.satisfaction_mean is None else round(float(r.satisfaction_mean), 2),
        }
        for r in rows
    ]


def project_stats(session: Session, project_id: int, f: Filters, now: datetime) -> dict[str, Any]:
    return {
        "filters": f.as_query(),
        "as_of": now.isoformat(),
        "numbers": headline(session, project_id, f, now),
        "targets": TARGETS,
        "top_types": top_types(session, project_id, f),
        "trend": weekly_trend(session, project_id, f),
        "scorecard": scorecard(session, project_id, f),
    }
