"""The project's pre-delivery risk check: load the starter list, record results, and answer the delivery
gate: ``risk_status(session, project_id, building_id) -> (passed, failing_items)``, and ``gate_check``, the
provider the gate's 风险检查通过 criterion calls (``domain.stats.gate.register_checklist_provider``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.models import RiskItem

from .risk_list import CATEGORY_ZH, RISK_ITEMS

RISK_RESULTS = ("pending", "pass", "fail", "na")


def seed_project(session: Session, project_id: int) -> int:
    """Give a project the starter list (codes R001…); idempotent. Returns the number of items added."""
    known = set(session.scalars(select(RiskItem.code).where(RiskItem.project_id == project_id)))
    added = 0
    for pos, (category, title, responsible) in enumerate(RISK_ITEMS, start=1):
        code = f"R{pos:03d}"
        if code in known:
            continue
        session.add(
            RiskItem(
                project_id=project_id, code=code, category=category, title=title, responsible=responsible,
                position=pos, result="pending", note="",
            )
        )  # fmt: skip
        added += 1
    session.flush()
    return added


def items_for(session: Session, project_id: int, building_id: int | None = None) -> list[RiskItem]:
    """The project's items; with a building, those for the whole project plus that building's own."""
    stmt = select(RiskItem).where(RiskItem.project_id == project_id)
    if building_id is not None:
        stmt = stmt.where(or_(RiskItem.building_id.is_(None), RiskItem.building_id == building_id))
    return list(session.scalars(stmt.order_by(RiskItem.position, RiskItem.id)))


def risk_status(session: Session, project_id: int, building_id: int | None) -> tuple[bool | None, list[RiskItem]]:
    """For the delivery gate: (True, []) when every item is passed or not applicable; (False, the failing
    items) when any fails; (None, []) when the check has not been set up or items are still pending."""
    items = items_for(session, project_id, building_id)
    failing = [i for i in items if i.result == "fail"]
    if failing:
        return False, failing
    if not items or any(i.result == "pending" for i in items):
        return None, []
    return True, []


def gate_check(session: Session, project_id: int, building_id: int) -> tuple[bool, list[dict[str, Any]]] | None:
    """The delivery gate's risk criterion for one building: None when the project keeps no risk check for
    it (the criterion is skipped); else passed only when every item is passed or not applicable. Failing
    items block, and so do items nobody has checked yet (a check not done is not a check passed); the
    blockers list the failing ones first."""
    items = items_for(session, project_id, building_id)
    if not items:
        return None
    open_items = [i for i in items if i.result == "fail"] + [i for i in items if i.result == "pending"]
    return not open_items, [blocker(i) for i in open_items]


def blocker(item: RiskItem) -> dict[str, Any]:
    """A risk item as the gate lists it beside blocking defects (``kind`` tells the PWA it is no defect)."""
    return {
        "id": f"risk-{item.id}",
        "kind": "risk",
        "risk_item_id": item.id,
        "code": item.code,
        "category": CATEGORY_ZH.get(item.category, item.category),
        "title": item.title,
        "status": item.result,
        "responsible": item.responsible,
        "deadline": item.deadline.isoformat() if item.deadline else None,
    }


def overdue(items: list[RiskItem], today: date) -> list[RiskItem]:
    """Failing items past their deadline (the tasks to chase)."""
    return [i for i in items if i.result == "fail" and i.deadline is not None and i.deadline < today]
