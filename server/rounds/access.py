"""Who may see and change rounds, checklists and risk checks: out of scope is 404, a visible thing the
role may not change is 403."""

from __future__ import annotations

import uuid

from domain import policy, rules
from domain.models import Inspection, Project

from ..accounts.auth import current_user
from ..extensions import db
from ..http import abort, dbs

STAFF = ("admin", "manager", "inspector")


def project(project_id: int) -> Project:
    p = db.session.get(Project, project_id)
    if p is None or not policy.can_see_project(dbs(), current_user(), project_id):
        abort(404, message="项目不存在 / No such project")
    return p


def staff_project(project_id: int) -> Project:
    p = project(project_id)
    if current_user().role not in STAFF:
        abort(403, message="只有检查人员可以使用检查表 / Only inspection staff use checklists and risk checks")
    return p


def duplicates_project(project_id: int) -> Project:
    """The list of suspected duplicates and its merge: the roles the rule table offers it to."""
    p = project(project_id)
    if current_user().role not in rules.SCREEN_ROLES["duplicates"]:
        abort(403, message="只有检查人员或经理可以处理重复缺陷 / Only inspectors and managers handle duplicates")
    return p


def planner_project(project_id: int) -> Project:
    """The calendar: project managers and admins (the rule table's ``screen_roles.calendar``)."""
    p = managed_project(project_id)
    if current_user().role not in rules.SCREEN_ROLES["calendar"]:
        abort(403, message="只有管理员或项目经理可以安排检查计划 / Only admins and project managers plan rounds")
    return p


def managed_project(project_id: int) -> Project:
    p = project(project_id)
    if not policy.can_manage_project(dbs(), current_user(), project_id):
        abort(403, message="只有管理员或项目经理可以安排检查计划 / Only admins and project managers plan rounds")
    return p


def round_(inspection_id: uuid.UUID, *, manage: bool = False, staff: bool = False) -> Inspection:
    insp = db.session.get(Inspection, inspection_id)
    user = current_user()
    hidden = insp is None or not policy.can_see_project(dbs(), user, insp.project_id)
    if not hidden and user.role == "homeowner":
        hidden = insp.kind not in policy.CUSTOMER_FACING_KINDS  # type: ignore[union-attr]
    if hidden:
        abort(404, message="检查批次不存在 / No such inspection round")
    assert insp is not None
    if manage:
        planner_project(insp.project_id)
    elif staff:
        staff_project(insp.project_id)
    return insp
