"""The numbers managers are judged on, computed by SQL aggregation (docs/statistics.md defines each).

Three scans of the defects answer everything: one GROUP BY contractor × month × type carrying every
additive count (the headline numbers, the top types and the scorecard are sums over its few hundred
groups), one GROUP BY week found × week closed (the trend), and one GROUP BY unit (inspected and
zero-defect units). No defect row is loaded into Python.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, union
from sqlalchemy.orm import Session

from ..followup.visits import count_due
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
from .sqlfn import days_between, local_date, month_of, month_text, week_monday, week_start

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


def _count(cond: ColumnElement[bool]) -> Any:
    return func.count().filter(cond)


def _ratio(num: int | None, den: int | None) -> float | None:
    return None if not den else round((num or 0) / den, 4)


def _mean(total: float | None, n: int, digits: int) -> float | None:
    return None if not n or total is None else round(float(total) / n, digits)


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


ADDITIVE = (
    "defects",
    "found_in_rounds",
    "completed",
    "completed_with_deadline",
    "on_time",
    "overdue",
    "repaired",
    "repeated",
    "fix_days_sum",
    "satisfaction_sum",
    "satisfaction_count",
    "grade_a",
    "with_response_due",
    "accepted_in_time",
    "owner_raised",
    "visits_by_owner",
    "visits_by_phone",
)


def grouped(session: Session, project_id: int, f: Filters, now: datetime) -> list[Any]:
    """One scan: every additive count per contractor × month of assignment × type."""
    done = completed()
    month = month_of(func.coalesce(Defect.assigned_at, Defect.created_at))
    responded = and_(Defect.accepted_at.is_not(None), Defect.response_due_at.is_not(None))
    stmt = (
        select(
            Defect.contractor_id.label("contractor_id"),
            month.label("month"),
            Defect.type_id.label("type_id"),
            func.count().label("defects"),
            _count(Defect.inspection_id.is_not(None)).label("found_in_rounds"),
            _count(done).label("completed"),
            _count(and_(done, has_deadline())).label("completed_with_deadline"),
            _count(and_(done, has_deadline(), closed_on_time())).label("on_time"),
            _count(overdue(now)).label("overdue"),
            _count(or_(Defect.status.in_(REPAIRED), Defect.repeat_count > 0)).label("repaired"),
            _count(Defect.repeat_count > 0).label("repeated"),
            func.sum(days_between(Defect.created_at, Defect.closed_at)).filter(done).label("fix_days_sum"),
            func.sum(Defect.satisfaction).label("satisfaction_sum"),
            func.count(Defect.satisfaction).label("satisfaction_count"),
            _count(Defect.severity == "A").label("grade_a"),
            _count(Defect.response_due_at.is_not(None)).label("with_response_due"),
            _count(and_(responded, Defect.accepted_at <= Defect.response_due_at)).label("accepted_in_time"),
            _count(Defect.owner_raised.is_(True)).label("owner_raised"),
            _count(and_(Defect.satisfaction.is_not(None), Defect.visit_method == "owner")).label("visits_by_owner"),
            _count(and_(Defect.satisfaction.is_not(None), Defect.visit_method == "phone")).label("visits_by_phone"),
        )
        .where(*defect_conditions(project_id, f))
        .group_by(Defect.contractor_id, month, Defect.type_id)
    )
    return list(session.execute(stmt).all())


def _totals(rows: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = dict.fromkeys(ADDITIVE, 0)
    for r in rows:
        for k in ADDITIVE:
            out[k] += getattr(r, k) or 0
    return out


def headline(
    session: Session, project_id: int, f: Filters, now: datetime, rows: list[Any] | None = None
) -> dict[str, Any]:
    t = _totals(grouped(session, project_id, f, now) if rows is None else rows)
    units = inspected_units(session, project_id, f)
    att = attendance(session, project_id, f)
    return {
        "defects": t["defects"],
        "found_in_rounds": t["found_in_rounds"],
        "units_inspected": units["inspected"],
        "units_zero_defect": units["zero_defect"],
        "defects_per_unit": None if not units["inspected"] else round(t["found_in_rounds"] / units["inspected"], 2),
        "zero_defect_rate": _ratio(units["zero_defect"], units["inspected"]),
        "completed": t["completed"],
        "completion_rate": _ratio(t["completed"], t["defects"]),
        "completed_with_deadline": t["completed_with_deadline"],
        "on_time": t["on_time"],
        "on_time_rate": _ratio(t["on_time"], t["completed_with_deadline"]),
        "overdue": t["overdue"],
        "repaired": t["repaired"],
        "repeated": t["repeated"],
        "repeat_rate": _ratio(t["repeated"], t["repaired"]),
        "days_to_fix_mean": _mean(t["fix_days_sum"], t["completed"], 1),
        "satisfaction_mean": _mean(t["satisfaction_sum"], t["satisfaction_count"], 2),
        "satisfaction_count": t["satisfaction_count"],
        "grade_a": t["grade_a"],
        "owner_raised": t["owner_raised"],
        "visits_by_owner": t["visits_by_owner"],
        "visits_by_phone": t["visits_by_phone"],
        "visits_due": count_due(session, project_id, now, f.building_id),
        "attendance_invited": att["invited"],
        "attendance_attended": att["attended"],
        "attendance_rate": _ratio(att["attended"], att["invited"]),
    }


def inspected_units(session: Session, project_id: int, f: Filters) -> dict[str, int]:
    """Units inspected in a round (checklist done, or a defect found in the round) and, of those, the
    units with no defect under the filters."""
    rounds = select(Inspection.id).where(*inspection_conditions(project_id, f))
    done = select(UnitInspection.unit_id.label("unit_id")).where(
        UnitInspection.status == "done", UnitInspection.inspection_id.in_(rounds)
    )
    if f.building_id is not None:
        done = done.where(UnitInspection.unit_id.in_(select(Unit.id).where(Unit.building_id == f.building_id)))
    extra = defect_conditions(project_id, f)[len(round_conditions(project_id, f)) :]
    matching = and_(*extra) if extra else None
    per_unit = (
        select(
            Defect.unit_id.label("unit_id"),
            func.max(case((Defect.inspection_id.is_not(None), 1), else_=0)).label("in_round"),
            (func.count().filter(matching) if matching is not None else func.count()).label("matching"),
        )
        .where(*round_conditions(project_id, f))
        .group_by(Defect.unit_id)
        .cte("per_unit")
    )
    inspected = union(done, select(per_unit.c.unit_id).where(per_unit.c.in_round == 1)).subquery()
    row = session.execute(
        select(
            func.count().label("inspected"),
            _count(func.coalesce(per_unit.c.matching, 0) == 0).label("zero_defect"),
        )
        .select_from(inspected)
        .outerjoin(per_unit, per_unit.c.unit_id == inspected.c.unit_id)
    ).one()
    return {"inspected": row.inspected, "zero_defect": row.zero_defect}


def attendance(session: Session, project_id: int, f: Filters) -> dict[str, int]:
    """到访率 where known: over homeowner-facing rounds with invitation letters issued for them or at least
    one check-in, the (round, unit) pairs invited and, of those, the ones checked in. A round with letters
    invited exactly the units it has letters for; one without, the units in its building (or the project)
    that have a homeowner or an invitation. A unit checked in counts as invited too."""
    lettered = select(Invitation.inspection_id).where(Invitation.inspection_id.is_not(None))
    rounds = (
        select(Inspection.id, Inspection.building_id)
        .where(
            *inspection_conditions(project_id, f),
            Inspection.kind.in_(ATTENDANCE_KINDS),
            or_(Inspection.id.in_(select(InspectionCheckin.inspection_id)), Inspection.id.in_(lettered)),
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
        .where(u.c.id.in_(select(invited_units.c.unit_id)), rounds.c.id.not_in(lettered))
    )
    letters = select(Invitation.inspection_id, Invitation.unit_id).where(
        Invitation.inspection_id.in_(select(rounds.c.id)), Invitation.unit_id.in_(select(u.c.id))
    )
    checked = (
        select(InspectionCheckin.inspection_id, InspectionCheckin.unit_id)
        .where(InspectionCheckin.inspection_id.in_(select(rounds.c.id)))
        .where(InspectionCheckin.unit_id.in_(select(u.c.id)))
    )
    pairs = union(invited, letters, checked).subquery()
    attended = select(InspectionCheckin.id).where(
        InspectionCheckin.inspection_id == pairs.c.inspection_id, InspectionCheckin.unit_id == pairs.c.unit_id
    )
    row = session.execute(
        select(func.count().label("invited"), _count(attended.exists()).label("attended")).select_from(pairs)
    ).one()
    return {"invited": row.invited, "attended": row.attended}


def top_types(session: Session, rows: list[Any], limit: int = 10) -> list[dict[str, Any]]:
    per_type: dict[int, int] = defaultdict(int)
    for r in rows:
        per_type[r.type_id] += r.defects
    top = sorted(per_type.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    names = {
        t.id: t
        for t in session.execute(
            select(DefectType.id, DefectType.name_zh, DefectType.name_en, DefectType.category).where(
                DefectType.id.in_([k for k, _ in top])
            )
        )
    }
    return [
        {
            "type_id": k,
            "name_zh": names[k].name_zh,
            "name_en": names[k].name_en,
            "category": names[k].category,
            "defects": n,
        }
        for k, n in top
    ]


def weekly_trend(session: Session, project_id: int, f: Filters) -> list[dict[str, Any]]:
    """Defects found and closed per week (Monday, local time), in one scan."""
    found_week = week_start(Defect.created_at)
    closed_week = case((completed(), week_start(Defect.closed_at)))
    stmt = (
        select(found_week.label("found"), closed_week.label("closed"), func.count().label("n"))
        .where(*defect_conditions(project_id, f))
        .group_by(found_week, closed_week)
    )
    weeks: dict[str, dict[str, Any]] = {}
    for found, closed, n in session.execute(stmt).all():
        for what, value in (("found", found), ("closed", closed)):
            if value is not None:
                key = week_monday(value)
                weeks.setdefault(key, {"week": key, "found": 0, "closed": 0})[what] += n
    return [weeks[k] for k in sorted(weeks)]


def scorecard_from(session: Session, rows: list[Any]) -> list[dict[str, Any]]:
    cells: dict[tuple[int, str], dict[str, Any]] = {}
    for r in rows:
        if r.contractor_id is None:
            continue
        key = (r.contractor_id, month_text(r.month))
        cell = cells.setdefault(key, dict.fromkeys(ADDITIVE, 0))
        for k in ADDITIVE:
            cell[k] += getattr(r, k) or 0
    names = dict(
        session.execute(select(Contractor.id, Contractor.name).where(Contractor.id.in_({c for c, _ in cells}))).all()
    )
    out = [
        {
            "contractor_id": cid,
            "contractor": names.get(cid, ""),
            "month": month,
            "assigned": c["defects"],
            "accepted_in_time": c["accepted_in_time"],
            "accepted_in_time_rate": _ratio(c["accepted_in_time"], c["with_response_due"]),
            "closed": c["completed"],
            "on_time": c["on_time"],
            "on_time_rate": _ratio(c["on_time"], c["completed_with_deadline"]),
            "repeat_repairs": c["repeated"],
            "satisfaction_mean": _mean(c["satisfaction_sum"], c["satisfaction_count"], 2),
        }
        for (cid, month), c in cells.items()
    ]
    out.sort(key=lambda r: (r["month"], r["contractor"]))
    out.sort(key=lambda r: r["month"], reverse=True)
    return out


def scorecard(session: Session, project_id: int, f: Filters, now: datetime) -> list[dict[str, Any]]:
    """Per contractor and month of assignment (the month a defect was dispatched, else found)."""
    return scorecard_from(session, grouped(session, project_id, f, now))


def project_stats(session: Session, project_id: int, f: Filters, now: datetime) -> dict[str, Any]:
    rows = grouped(session, project_id, f, now)
    return {
        "filters": f.as_query(),
        "as_of": now.isoformat(),
        "numbers": headline(session, project_id, f, now, rows),
        "targets": TARGETS,
        "top_types": top_types(session, rows),
        "trend": weekly_trend(session, project_id, f),
        "scorecard": scorecard_from(session, rows),
    }
