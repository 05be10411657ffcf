"""The defect state machine (服务闭环) and who may do what, in one place.

open ──assign──▶ assigned ──fix──▶ fixed ──pass──▶ closed ──visit──▶ visited
  │  ▲              │  ▲             │                │                 │
  │  └──(reassign)──┘  └────fail─────┘ (repeat_count+1)└─────reopen──────┴──▶ assigned
  └──void──▶ void ◀──void── assigned
"""

from __future__ import annotations

from dataclasses import dataclass

STAFF = ("admin", "manager", "inspector")


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    zh: str


TRANSITIONS: dict[str, Transition] = {
    # 任务分派 dispatch, also re-dispatch to another contractor
    "assign": Transition(("open", "assigned"), "assigned", ("admin", "manager", "inspector"), "分派"),
    # 任务处理 repair: the crew of the assigned contractor, or staff fixing on the spot (快修)
    "fix": Transition(("assigned",), "fixed", ("admin", "manager", "inspector", "crew"), "维修完成"),
    # 复验 re-check
    "pass": Transition(("fixed",), "closed", ("admin", "manager", "inspector"), "复验通过"),
    "fail": Transition(("fixed",), "assigned", ("admin", "manager", "inspector"), "复验不通过"),
    "reopen": Transition(("closed", "visited"), "assigned", ("admin", "manager"), "重新打开"),
    "void": Transition(("open", "assigned"), "void", ("admin", "manager"), "作废"),
    # 回访 follow-up visit with the owner's satisfaction
    "visit": Transition(("closed",), "visited", ("admin", "manager"), "回访"),
}

STATUS_ZH = {
    "open": "待分派",
    "assigned": "已分派",
    "fixed": "已维修",
    "closed": "已关闭",
    "visited": "已回访",
    "void": "已作废",
}

# Which roles may push which mutation at all (scope is checked separately, through server.policy).
MUTATION_ROLES: dict[str, tuple[str, ...]] = {
    "defect.create": (*STAFF, "homeowner"),  # homeowners on their own units (customer-facing)
    "defect.update": STAFF,
    "defect.status": (*STAFF, "crew"),
    "defect.photo_add": (*STAFF, "crew"),  # crews add the after-photos of their repair
    "defect.photo_remove": (*STAFF, "crew"),
    "defect.comment": (*STAFF, "crew", "homeowner"),
}

ROLE_ZH = {"admin": "管理员", "manager": "经理", "inspector": "检查员", "crew": "维修人员", "homeowner": "业主"}


def check(action: str, status: str, role: str, user_contractor_id: int | None, contractor_id: int | None) -> str | None:
    """Why ``action`` may not be taken now (bilingual), or None if it may."""
    t = TRANSITIONS[action]
    if role not in t.roles:
        return f"{ROLE_ZH.get(role, role)}不能执行「{t.zh}」/ The {role} role may not {action} a defect"
    if role == "crew" and (contractor_id is None or user_contractor_id != contractor_id):
        return f"该缺陷未分派给您的单位，不能「{t.zh}」/ The defect is not assigned to your contractor"
    if status not in t.sources:
        return (
            f"当前状态为「{STATUS_ZH.get(status, status)}」，不能「{t.zh}」"
            f" / A defect that is {status} cannot be {action}ed"
        )
    return None
