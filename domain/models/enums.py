"""Closed vocabularies shared by the models, the API schemas and the sync engine."""

from __future__ import annotations

ROLES = ("admin", "manager", "inspector", "crew", "homeowner")

# 检查批次 kinds, in calendar order (../docs/domain.md).
INSPECTION_KINDS = (
    "internal",  # 内部模拟验收
    "group_joint",  # 集团联合验收
    "open_day",  # 工地开放日
    "pre_inspection",  # 客户预验收
    "regional_joint",  # 区域联合验收
    "handover",  # 承接查验
    "delivery",  # 交付陪验
    "warranty",  # 保修报修
)

INSPECTION_KIND_ZH = {
    "internal": "内部模拟验收",
    "group_joint": "集团联合验收",
    "open_day": "工地开放日",
    "pre_inspection": "客户预验收",
    "regional_joint": "区域联合验收",
    "handover": "承接查验",
    "delivery": "交付陪验",
    "warranty": "保修报修",
}

# Severity follows the 承接查验 grading: A structural/fire (fix now), B fix by deadline, C improve later.
SEVERITIES = ("A", "B", "C")

# The rectification loop (服务闭环). Transitions and who may make them live in sync/statemachine.py.
STATUSES = (
    "open",  # 待分派: recorded, not yet dispatched
    "assigned",  # 已分派: a contractor must fix it by the due date; 接单 (accept) keeps the status and sets
    # Defect.accepted_at, 拒单 (reject, with a reason) sends it back to open for the dispatcher
    "fixed",  # 已维修: the crew says it is done, awaiting re-check (复验)
    "closed",  # 已关闭: re-check passed
    "visited",  # 已回访: follow-up visit done, satisfaction recorded
    "void",  # 已作废: not a defect, or a duplicate
)

PHOTO_KINDS = ("before", "after")
