"""Who may read numbers and reports: managers and admins of the project; a crew only its own
contractor's scorecard and notices; homeowners and inspectors nothing (403); outsiders 404."""

from __future__ import annotations

from domain import policy
from domain.errors import DomainError, define
from domain.models import Project, User

from ..accounts.auth import current_user
from ..http import dbs

STATS_FORBIDDEN = define("stats_forbidden", 403, "Only managers and admins of the project see its statistics")


INT_MAX = 2**31 - 1


def in_range(*ids: int) -> bool:
    """Ids from the path fit the database's integer (a larger one names nothing: 404, not a 500)."""
    return all(0 < i <= INT_MAX for i in ids)


def visible_project(project_id: int) -> tuple[Project, User]:
    user = current_user()
    project = dbs().get(Project, project_id) if in_range(project_id) else None
    if project is None or not policy.can_see_project(dbs(), user, project_id):
        raise DomainError("not_found", "项目不存在 / No such project")
    return project, user


def manager_project(project_id: int) -> Project:
    project, user = visible_project(project_id)
    if not policy.can_manage_project(dbs(), user, project_id):
        raise DomainError(STATS_FORBIDDEN, "只有项目经理或管理员可以查看统计 / Only managers and admins see statistics")
    return project


def contractor_scope(project_id: int) -> tuple[Project, int | None]:
    """The project and the one contractor the caller is limited to (None: all, for managers)."""
    project, user = visible_project(project_id)
    if policy.can_manage_project(dbs(), user, project_id):
        return project, None
    if user.role == "crew" and user.contractor_id is not None:
        return project, user.contractor_id
    raise DomainError(STATS_FORBIDDEN, "当前角色无权查看统计 / Your role may not see statistics")
