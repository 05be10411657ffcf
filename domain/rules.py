"""The defect state machine (服务闭环) and who may do what: ``rules.json`` is the one source, read here
and by the PWA (``pwa/src/store/apply.js``), so the tablet offers exactly what the server accepts.

open ──assign──▶ assigned ──fix──▶ fixed ──pass──▶ closed ──visit──▶ visited
  │  ▲              │  ▲             │                │                 │
  │  └──(reassign)──┘  └────fail─────┘ (repeat_count+1)└─────reopen──────┴──▶ assigned
  └──void──▶ void ◀──void── assigned
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

STAFF = ("admin", "manager", "inspector")


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    zh: str


_RULES = json.loads((Path(__file__).parent / "rules.json").read_text(encoding="utf-8"))

TRANSITIONS: dict[str, Transition] = {
    action: Transition(tuple(t["from"]), t["to"], tuple(t["roles"]), t["zh"])
    for action, t in _RULES["transitions"].items()
}

STATUS_ZH = {
    "open": "待分派",
    "assigned": "已分派",
    "fixed": "已维修",
    "closed": "已关闭",
    "visited": "已回访",
    "void": "已作废",
}

# Which roles may push which mutation at all (scope is checked separately, through domain.policy).
MUTATION_ROLES: dict[str, tuple[str, ...]] = {name: tuple(roles) for name, roles in _RULES["mutation_roles"].items()}

# Which roles are offered a screen that is more than a defect action: the calendar (planning rounds, which
# domain.policy.can_manage_project also guards) and the list of suspected duplicates with its merge.
SCREEN_ROLES: dict[str, tuple[str, ...]] = {name: tuple(roles) for name, roles in _RULES["screen_roles"].items()}

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
