"""Follow-up set-up per project (time limits, ladder, dispatch routes, webhooks), dispatch suggestions,
deadline overrides and escalation records. Managers change the set-up; every change is recorded."""

from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import delete, select

from domain import policy
from domain.errors import DomainError
from domain.followup import deadlines, defaults, setup, visits
from domain.models import (
    Contractor,
    ContractorRoute,
    DeadlinePolicy,
    Defect,
    DefectHistory,
    DefectType,
    Escalation,
    EscalationStep,
    FollowupChange,
    FollowupSettings,
    TypeDeadline,
    Unit,
    User,
    utcnow,
)
from sync.feed import ChangeSet, scope_keys
from sync.push import SERVER_CLOCK

from ..accounts.auth import current_user, login_required
from ..extensions import db
from ..http import abort, dbs
from .schemas import (
    DeadlineOverrideSchema,
    DeadlinesSchema,
    DispatchSuggestionSchema,
    EscalationQuerySchema,
    EscalationSchema,
    FollowupChangeSchema,
    FollowupPolicyInSchema,
    FollowupSchema,
    LadderSchema,
    RoutesSchema,
)

blp = Blueprint("followup", __name__, url_prefix="/api", description="Deadlines, escalation and dispatch help")
STAFF = ("admin", "manager", "inspector")
NO_PROJECT = "项目不存在 / No such project"


def _staff_project(project_id: int) -> None:
    """Staff of the project see its follow-up set-up; anyone else is told it does not exist."""
    user = current_user()
    if user.role not in STAFF or not policy.can_see_project(dbs(), user, project_id):
        abort(404, message=NO_PROJECT)


def _managed(project_id: int) -> User:
    _staff_project(project_id)
    user = current_user()
    if not policy.can_manage_project(dbs(), user, project_id):
        abort(403, message="只有项目经理可以修改跟进设置 / Only the project's managers change follow-up settings")
    return user


def _setup(project_id: int) -> dict[str, Any]:
    s = db.session
    settings = s.get(FollowupSettings, project_id)
    return {
        "policy": [
            {
                "category": p.category,
                "severity": p.severity,
                "response_minutes": p.response_minutes,
                "fix_minutes": p.fix_minutes,
            }
            for p in s.scalars(
                select(DeadlinePolicy)
                .where(DeadlinePolicy.project_id == project_id)
                .order_by(DeadlinePolicy.category, DeadlinePolicy.severity)
            )
        ],
        "types": [
            {
                "type_id": t.type_id,
                "response_minutes": t.response_minutes,
                "fix_minutes": t.fix_minutes,
                "urgent": t.urgent,
            }
            for t in s.scalars(
                select(TypeDeadline).where(TypeDeadline.project_id == project_id).order_by(TypeDeadline.type_id)
            )
        ],
        "due_soon_hours": settings.due_soon_hours if settings else defaults.DUE_SOON_HOURS,
        "visit_timeout_days": settings.visit_timeout_days if settings else visits.DEFAULT_TIMEOUT_DAYS,
        "ladder": [
            {
                "level": e.level,
                "after_hours": e.after_hours,
                "urgent_after_hours": e.urgent_after_hours,
                "notify": e.notify,
            }
            for e in s.scalars(
                select(EscalationStep).where(EscalationStep.project_id == project_id).order_by(EscalationStep.level)
            )
        ],
        "routes": [
            {"trade": r.trade, "building_id": r.building_id, "contractor_id": r.contractor_id}
            for r in s.scalars(
                select(ContractorRoute).where(ContractorRoute.project_id == project_id).order_by(ContractorRoute.id)
            )
        ],
    }


def _record(project_id: int, user: User, what: str, old: Any, new: Any) -> None:
    db.session.add(FollowupChange(project_id=project_id, user_id=user.id, what=what, old=old, new=new))


@blp.route("/projects/<int:project_id>/followup")
@login_required()
@blp.response(200, FollowupSchema)
def get_followup(project_id: int) -> Any:
    """The project's time limits, ladder and dispatch routes (defaults are added on first read)."""
    _staff_project(project_id)
    if defaults.ensure_project(dbs(), project_id):
        db.session.flush()
    return _setup(project_id)


@blp.route("/projects/<int:project_id>/followup/policy", methods=["PUT"])
@login_required()
@blp.arguments(FollowupPolicyInSchema)
@blp.response(200, FollowupSchema)
def put_policy(body: dict[str, Any], project_id: int) -> Any:
    """Change time limits: rows given replace those of the same category and severity / type;
    ``remove_types`` drops types' own limits (they follow their category again)."""
    user = _managed(project_id)
    setup.check_limits(body.get("policy", []), "policy")
    setup.check_limits(body.get("types", []), "types")
    defaults.ensure_project(dbs(), project_id)
    old = _setup(project_id)
    for row in body.get("policy", []):
        p = db.session.scalar(
            select(DeadlinePolicy).where(
                DeadlinePolicy.project_id == project_id,
                DeadlinePolicy.category == row["category"],
                DeadlinePolicy.severity == row["severity"],
            )
        )
        assert p is not None  # ensure_project made every pair
        p.response_minutes, p.fix_minutes = row["response_minutes"], row["fix_minutes"]
    for row in body.get("types", []):
        if db.session.get(DefectType, row["type_id"]) is None:
            raise DomainError(
                setup.TYPE_UNKNOWN,
                f"缺陷类型 {row['type_id']} 不存在 / Defect type {row['type_id']} does not exist",
                type_id=row["type_id"],
            )
        t = db.session.scalar(
            select(TypeDeadline).where(TypeDeadline.project_id == project_id, TypeDeadline.type_id == row["type_id"])
        )
        if t is None:
            t = TypeDeadline(project_id=project_id, type_id=row["type_id"])
            db.session.add(t)
        t.response_minutes, t.fix_minutes, t.urgent = row["response_minutes"], row["fix_minutes"], row["urgent"]
    if body.get("remove_types"):
        given = {row["type_id"] for row in body.get("types", [])}
        db.session.execute(
            delete(TypeDeadline).where(
                TypeDeadline.project_id == project_id,
                TypeDeadline.type_id.in_(set(body["remove_types"]) - given),
            )
        )
    if "due_soon_hours" in body:
        settings = db.session.get(FollowupSettings, project_id)
        assert settings is not None
        settings.due_soon_hours = body["due_soon_hours"]
    if "visit_timeout_days" in body:
        settings = db.session.get(FollowupSettings, project_id)
        assert settings is not None
        settings.visit_timeout_days = body["visit_timeout_days"]
    db.session.flush()
    new = _setup(project_id)
    _record(
        project_id,
        user,
        "policy",
        {k: old[k] for k in ("policy", "types", "due_soon_hours", "visit_timeout_days")},
        {k: new[k] for k in ("policy", "types", "due_soon_hours", "visit_timeout_days")},
    )
    db.session.flush()
    return new


@blp.route("/projects/<int:project_id>/followup/ladder", methods=["PUT"])
@login_required()
@blp.arguments(LadderSchema)
@blp.response(200, FollowupSchema)
def put_ladder(body: dict[str, Any], project_id: int) -> Any:
    """Replace the escalation ladder: levels 1..n, thresholds rising with the level."""
    user = _managed(project_id)
    steps = setup.check_ladder(body["steps"])
    defaults.ensure_project(dbs(), project_id)  # the history's "before" is the ladder in force, defaults included
    old = _setup(project_id)["ladder"]
    db.session.execute(delete(EscalationStep).where(EscalationStep.project_id == project_id))
    for s in steps:
        db.session.add(EscalationStep(project_id=project_id, **s))
    db.session.flush()
    new = _setup(project_id)
    _record(project_id, user, "ladder", old, new["ladder"])
    db.session.flush()
    return new


@blp.route("/projects/<int:project_id>/followup/routes", methods=["PUT"])
@login_required()
@blp.arguments(RoutesSchema)
@blp.response(200, FollowupSchema)
def put_routes(body: dict[str, Any], project_id: int) -> Any:
    """Replace which contractor each trade (optionally per building) is dispatched to."""
    user = _managed(project_id)
    seen = set()
    for r in body["routes"]:
        if db.session.get(Contractor, r["contractor_id"]) is None:
            raise DomainError(
                setup.ROUTE_CONTRACTOR_UNKNOWN,
                f"施工单位 {r['contractor_id']} 不存在 / Contractor {r['contractor_id']} does not exist",
                contractor_id=r["contractor_id"],
            )
        if r["building_id"] is not None:
            b = db.session.scalar(
                select(Unit.building_id)
                .where(Unit.project_id == project_id, Unit.building_id == r["building_id"])
                .limit(1)
            )
            if b is None:
                raise DomainError(
                    setup.ROUTE_BUILDING_UNKNOWN,
                    f"楼栋 {r['building_id']} 不在本项目 / Building {r['building_id']} is not in this project",
                    building_id=r["building_id"],
                )
        if (r["trade"], r["building_id"]) in seen:
            raise DomainError(
                setup.ROUTE_DUPLICATE,
                f"工种重复：{r['trade']} / The trade {r['trade']} is listed twice for one building",
                trade=r["trade"],
            )
        seen.add((r["trade"], r["building_id"]))
    old = _setup(project_id)["routes"]
    db.session.execute(delete(ContractorRoute).where(ContractorRoute.project_id == project_id))
    for r in body["routes"]:
        db.session.add(ContractorRoute(project_id=project_id, **r))
    db.session.flush()
    new = _setup(project_id)
    _record(project_id, user, "routes", old, new["routes"])
    db.session.flush()
    return new


@blp.route("/projects/<int:project_id>/followup/changes")
@login_required()
@blp.response(200, FollowupChangeSchema(many=True))
def get_changes(project_id: int) -> Any:
    """Every change to the project's follow-up set-up, newest first, with who made it."""
    _staff_project(project_id)
    stmt = (
        select(FollowupChange, User.display_name)
        .outerjoin(User, User.id == FollowupChange.user_id)
        .where(FollowupChange.project_id == project_id)
        .order_by(FollowupChange.id.desc())
    )
    return [
        {
            "id": c.id,
            "user_id": c.user_id,
            "user_name": name or "",
            "at": c.at,
            "what": c.what,
            "old": c.old,
            "new": c.new,
        }
        for c, name in db.session.execute(stmt.limit(500))
    ]


def _visible_defect(defect_id: uuid.UUID) -> Defect:
    if not policy.can_see_defect(dbs(), current_user(), defect_id):
        abort(404, message="缺陷不存在 / No such defect")
    d = db.session.get(Defect, defect_id)
    assert d is not None
    return d


@blp.route("/defects/<uuid:defect_id>/dispatch-suggestion")
@login_required()
@blp.response(200, DispatchSuggestionSchema)
def suggest(defect_id: uuid.UUID) -> Any:
    """The contractor the project routes this defect's trade to (its building's route first)."""
    d = _visible_defect(defect_id)
    if current_user().role not in STAFF:
        abort(404, message="缺陷不存在 / No such defect")
    trade = db.session.scalar(select(DefectType.trade).where(DefectType.id == d.type_id)) or ""
    building = db.session.scalar(select(Unit.building_id).where(Unit.id == d.unit_id))
    routes = {
        r.building_id: r.contractor_id
        for r in db.session.scalars(
            select(ContractorRoute).where(ContractorRoute.project_id == d.project_id, ContractorRoute.trade == trade)
        )
    }
    contractor = routes.get(building, routes.get(None))
    if contractor is None:  # no route: a contractor of that trade, if there is exactly one
        same = db.session.scalars(select(Contractor.id).where(Contractor.trade == trade).limit(2)).all()
        contractor = same[0] if len(same) == 1 else None
    return {"contractor_id": contractor, "trade": trade, "building_id": building}


@blp.route("/defects/<uuid:defect_id>/deadline", methods=["POST"])
@login_required()
@blp.arguments(DeadlineOverrideSchema)
@blp.response(200, DeadlinesSchema)
def override_deadline(body: dict[str, Any], defect_id: uuid.UUID) -> Any:
    """A manager moves the fix deadline to the end of another day, with a reason kept in the history."""
    d = _visible_defect(defect_id)
    user = current_user()
    if not policy.can_manage_project(dbs(), user, d.project_id):
        abort(403, message="只有项目经理可以调整整改期限 / Only the project's managers move a deadline")
    locked = db.session.scalar(select(Defect).where(Defect.id == defect_id).with_for_update())
    assert locked is not None
    d = locked
    keys = scope_keys(d)
    db.session.add(
        DefectHistory(
            defect_id=d.id,
            user_id=user.id,
            action="deadline_override",
            field="due_date",
            old=d.due_date.isoformat() if d.due_date else None,
            new={"due_date": body["due_date"].isoformat(), "reason": body["reason"]},
        )
    )
    d.due_date = body["due_date"]
    clock = SERVER_CLOCK.tick()
    d.field_clocks = {**(d.field_clocks or {}), "due_date": clock}
    deadlines.mark_by_hand(d, clock)
    deadlines.refresh(dbs(), d)
    d.updated_at = utcnow()
    changes = ChangeSet()
    changes.defect(d, keys)
    changes.publish(dbs())
    db.session.flush()
    return d


def _escalations(user: User) -> Any:
    stmt = select(Escalation).join(Defect, Defect.id == Escalation.defect_id).where(policy.defect_filter(user))
    if user.role == "crew":  # a crew sees its own contractor's escalations only
        stmt = stmt.where(Escalation.contractor_id == user.contractor_id)
    elif user.role == "homeowner":
        stmt = stmt.where(Escalation.id.is_(None))
    return stmt


@blp.route("/escalations")
@login_required()
@blp.arguments(EscalationQuerySchema, location="query")
@blp.response(200, EscalationSchema(many=True))
def list_escalations(query: dict[str, Any]) -> Any:
    """Escalation records the caller may see, newest first."""
    stmt = _escalations(current_user())
    if "project_id" in query:
        stmt = stmt.where(Escalation.project_id == query["project_id"])
    if "defect_id" in query:
        stmt = stmt.where(Escalation.defect_id == query["defect_id"])
    if query.get("unacknowledged"):
        stmt = stmt.where(Escalation.acknowledged_at.is_(None))
    return db.session.scalars(stmt.order_by(Escalation.at.desc(), Escalation.id.desc()).limit(1000)).all()


@blp.route("/escalations/<int:escalation_id>/ack", methods=["POST"])
@login_required()
@blp.response(200, EscalationSchema)
def acknowledge(escalation_id: int) -> Any:
    """The person notified says they have seen it (知悉); kept with who and when."""
    user = current_user()
    e = db.session.scalar(_escalations(user).where(Escalation.id == escalation_id))
    if e is None:
        abort(404, message="升级记录不存在 / No such escalation")
    if user.role == "inspector":
        abort(403, message="检查员不能确认升级 / Inspectors do not acknowledge escalations")
    if e.acknowledged_at is None:
        e.acknowledged_by_id, e.acknowledged_at = user.id, utcnow()
        db.session.flush()
    return e
