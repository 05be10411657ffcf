"""The delivery gate (交付许可令): criteria per building, each with its value, target, pass/fail and the
defects that block it, and the permit rules.

Defaults come from the seeds (碧桂园 区域联合验收): no open leak (100% 无渗漏), 承接查验 items 100% rectified,
pre-inspection items 100% rectified, no open A-grade defect, and the risk checklist passed where a
project keeps one. A project may switch a criterion off or change its target (DeliveryGateSettings).

"Open" means not yet rectified: open, assigned, or fixed but not re-checked. Void defects never count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ..errors import DomainError, define
from ..models import Building, Defect, DefectType, DeliveryGateSettings, DeliveryPermit, Inspection, Unit
from .numbers import UNFINISHED

NOT_READY = define("delivery_not_ready", 409, "The building does not meet the delivery criteria")
PERMIT_REQUIRED = define("delivery_permit_required", 409, "Delivery needs a delivery permit for the building")
OVERRIDE_FORBIDDEN = define("delivery_override_forbidden", 403, "Only an admin may override the delivery criteria")
BAD_CRITERIA = define("delivery_criteria_invalid", 422, "The delivery criteria are not valid")

LEAK_WORD = "渗漏"
PRE_INSPECTION_KINDS = ("open_day", "pre_inspection")
BLOCKERS_SHOWN = 100
TARGET_MAX = 1_000_000


@dataclass(frozen=True)
class Criterion:
    code: str
    name_zh: str
    name_en: str
    kind: str  # "max": value ≤ target passes; "rate": value ≥ target passes; "check": passes or is skipped
    default_target: float


CRITERIA = (
    Criterion("open_leaks", "无未整改渗漏", "No open leak", "max", 0),
    Criterion("handover_rectified", "承接查验整改完成率", "承接查验 items rectified", "rate", 1.0),
    Criterion("pre_inspection_rectified", "客户预验收整改完成率", "Pre-inspection items rectified", "rate", 1.0),
    Criterion("open_grade_a", "无未整改A类问题", "No open A-grade defect", "max", 0),
    Criterion("risk_checklist", "风险检查通过", "Risk checklist passed", "check", 1),
)
BY_CODE = {c.code: c for c in CRITERIA}

# The risk-checklist criterion asks a provider: (session, project_id, building_id) → None when the
# project keeps no checklist for the building, else (passed, failing item descriptions).
ChecklistProvider = Callable[[Session, int, int], "tuple[bool, list[dict[str, Any]]] | None"]
_checklist_provider: list[ChecklistProvider] = []


def register_checklist_provider(provider: ChecklistProvider) -> None:
    _checklist_provider[:] = [provider]


def settings_for(session: Session, project_id: int) -> dict[str, dict[str, Any]]:
    stored = session.scalar(select(DeliveryGateSettings.criteria).where(DeliveryGateSettings.project_id == project_id))
    out = {c.code: {"enabled": True, "target": c.default_target} for c in CRITERIA}
    for code, value in (stored or {}).items():
        if code in out:
            out[code].update(value)
    return out


def validate_settings(body: Any) -> dict[str, dict[str, Any]]:
    """The criteria a manager sends: known codes only, each {"enabled": bool, "target": number}."""
    if not isinstance(body, dict):
        raise DomainError(BAD_CRITERIA, "应为 {代码: {enabled, target}} / expected {code: {enabled, target}}")
    clean: dict[str, dict[str, Any]] = {}
    for code, value in body.items():
        crit = BY_CODE.get(code)
        if crit is None or not isinstance(value, dict) or set(value) - {"enabled", "target"}:
            raise DomainError(BAD_CRITERIA, f"未知或无效的条件 {str(code)[:40]} / Unknown or invalid criterion")
        item: dict[str, Any] = {}
        if "enabled" in value:
            if not isinstance(value["enabled"], bool):
                raise DomainError(BAD_CRITERIA, "enabled 应为 true/false / enabled must be a boolean", criterion=code)
            item["enabled"] = value["enabled"]
        if "target" in value:
            t = value["target"]
            limit = 1 if crit.kind in ("rate", "check") else TARGET_MAX
            if isinstance(t, bool) or not isinstance(t, int | float) or not 0 <= t <= limit:
                raise DomainError(BAD_CRITERIA, f"目标值应在 0..{limit} / target must be 0..{limit}", criterion=code)
            item["target"] = t
        clean[code] = item
    return clean


def _in_building(building_id: int) -> ColumnElement[bool]:
    return Defect.unit_id.in_(select(Unit.id).where(Unit.building_id == building_id))


def _blockers(session: Session, conds: list[ColumnElement[bool]]) -> tuple[int, list[dict[str, Any]]]:
    total = session.scalar(select(func.count()).select_from(Defect).where(*conds)) or 0
    rows = session.execute(
        select(
            Defect.id,
            Defect.status,
            Defect.severity,
            Defect.fix_due_at,
            Defect.due_date,
            DefectType.name_zh,
            Unit.entrance,
            Unit.number,
        )
        .join(DefectType, DefectType.id == Defect.type_id)
        .join(Unit, Unit.id == Defect.unit_id)
        .where(*conds)
        .order_by(Defect.fix_due_at.is_(None), Defect.fix_due_at, Defect.created_at)
        .limit(BLOCKERS_SHOWN)
    ).all()
    return total, [
        {
            "id": str(r.id),
            "status": r.status,
            "severity": r.severity,
            "type": r.name_zh,
            "unit": f"{r.entrance}单元{r.number}",
            "deadline": (
                r.fix_due_at.isoformat() if r.fix_due_at else (r.due_date.isoformat() if r.due_date else None)
            ),
        }
        for r in rows
    ]


def _open(building_id: int, project_id: int) -> list[ColumnElement[bool]]:
    return [Defect.project_id == project_id, _in_building(building_id), Defect.status.in_(UNFINISHED)]


def _count_criterion(session: Session, conds: list[ColumnElement[bool]]) -> dict[str, Any]:
    total, blockers = _blockers(session, conds)
    return {"value": total, "blocking": blockers, "blocking_total": total}


def _rate_criterion(session: Session, project_id: int, building_id: int, kinds: tuple[str, ...]) -> dict[str, Any]:
    in_rounds = Defect.inspection_id.in_(select(Inspection.id).where(Inspection.kind.in_(kinds)))
    base = [Defect.project_id == project_id, _in_building(building_id), Defect.status != "void", in_rounds]
    items = session.scalar(select(func.count()).select_from(Defect).where(*base)) or 0
    total, blockers = _blockers(session, [*base, Defect.status.in_(UNFINISHED)])
    value = 1.0 if items == 0 else round((items - total) / items, 4)
    return {"value": value, "items": items, "blocking": blockers, "blocking_total": total}


def readiness(session: Session, project_id: int, building_id: int) -> dict[str, Any]:
    settings = settings_for(session, project_id)
    out: list[dict[str, Any]] = []
    for crit in CRITERIA:
        conf = settings[crit.code]
        if not conf["enabled"]:
            continue
        if crit.code == "open_leaks":
            leak_types = select(DefectType.id).where(DefectType.name_zh.contains(LEAK_WORD))
            result = _count_criterion(session, [*_open(building_id, project_id), Defect.type_id.in_(leak_types)])
        elif crit.code == "open_grade_a":
            result = _count_criterion(session, [*_open(building_id, project_id), Defect.severity == "A"])
        elif crit.code == "handover_rectified":
            result = _rate_criterion(session, project_id, building_id, ("handover",))
        elif crit.code == "pre_inspection_rectified":
            result = _rate_criterion(session, project_id, building_id, PRE_INSPECTION_KINDS)
        else:
            checked = _checklist_provider[0](session, project_id, building_id) if _checklist_provider else None
            if checked is None:
                result = {"value": None, "skipped": "no_checklist", "blocking": [], "blocking_total": 0}
            else:
                blocking = checked[1]
                result = {
                    "value": int(checked[0]),
                    "blocking": blocking[:BLOCKERS_SHOWN],
                    "blocking_total": len(blocking),
                }
        target = conf["target"]
        if result.get("skipped"):
            passed = True
        elif crit.kind == "max":
            passed = result["value"] <= target
        else:
            passed = result["value"] >= target
        out.append(
            {
                "code": crit.code,
                "name_zh": crit.name_zh,
                "name_en": crit.name_en,
                "kind": crit.kind,
                "target": target,
                "passed": passed,
                **result,
            }
        )
    return {
        "project_id": project_id,
        "building_id": building_id,
        "ready": all(c["passed"] for c in out),
        "criteria": out,
        "permit": permit_payload(current_permit(session, building_id)),
    }


def current_permit(session: Session, building_id: int) -> DeliveryPermit | None:
    return session.scalars(
        select(DeliveryPermit)
        .where(DeliveryPermit.building_id == building_id, DeliveryPermit.revoked_at.is_(None))
        .order_by(DeliveryPermit.issued_at.desc())
        .limit(1)
    ).first()


def permit_payload(p: DeliveryPermit | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "id": str(p.id),
        "project_id": p.project_id,
        "building_id": p.building_id,
        "issued_by_id": p.issued_by_id,
        "issued_at": p.issued_at.isoformat(),
        "override": p.override,
        "override_reason": p.override_reason,
        "criteria": p.criteria,
    }


def failing(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "code": c["code"],
            "name_zh": c["name_zh"],
            "value": c["value"],
            "target": c["target"],
            "blocking_total": c["blocking_total"],
            "blocking": c["blocking"][:20],
        }
        for c in report["criteria"]
        if not c["passed"]
    ]


def issue_permit(
    session: Session, project_id: int, building_id: int, user_id: int, role: str, reason: str
) -> DeliveryPermit:
    """Issue the permit when every criterion passes; otherwise only an admin, with a written reason."""
    report = readiness(session, project_id, building_id)
    override = not report["ready"]
    if override:
        if not reason:
            raise DomainError(
                NOT_READY,
                "未满足交付条件 / The building does not meet the delivery criteria",
                blockers=failing(report),
            )
        if role != "admin":
            raise DomainError(OVERRIDE_FORBIDDEN, "只有系统管理员可以特批交付 / Only an admin may override")
    permit = DeliveryPermit(
        project_id=project_id,
        building_id=building_id,
        issued_by_id=user_id,
        override=override,
        override_reason=reason if override else "",
        criteria=report["criteria"],
    )
    session.add(permit)
    session.flush()
    return permit


def require_permits(session: Session, project_id: int, building_id: int | None) -> None:
    """Before a delivery (交付) round opens: every building it covers holds a permit."""
    if building_id is not None:
        buildings = [building_id]
    else:
        buildings = list(session.scalars(select(Building.id).where(Building.project_id == project_id)))
    missing = []
    for bid in buildings:
        if current_permit(session, bid) is None:
            report = readiness(session, project_id, bid)
            missing.append({"building_id": bid, "ready": report["ready"], "blockers": failing(report)})
    if missing:
        raise DomainError(
            PERMIT_REQUIRED,
            "该楼栋尚未取得交付许可令 / The building has no delivery permit yet",
            buildings=missing,
        )
