"""GET the project's numbers and the contractor scorecard."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint

from domain.stats import numbers
from domain.stats.filters import parse

from ..accounts.auth import login_required
from ..http import dbs
from .access import contractor_scope, manager_project

blp = Blueprint("stats", __name__, url_prefix="/api", description="Statistics (统计)")


def now() -> datetime:
    """The clock, injectable in tests through the app config (STATS_NOW)."""
    fixed = current_app.config.get("STATS_NOW")
    return fixed if fixed is not None else datetime.now(UTC)


@blp.route("/projects/<int:project_id>/stats")
@login_required()
def project_stats(project_id: int) -> Any:
    """The project's numbers under the filters (building, batch=inspection_id, contractor_id, type_id,
    category, date_from, date_to): headline numbers with targets, top 10 types, weekly trend and the
    contractor scorecard by month. Managers and admins of the project."""
    manager_project(project_id)
    return numbers.project_stats(dbs(), project_id, parse(request.args), now())


@blp.route("/projects/<int:project_id>/stats/scorecard")
@login_required()
def contractor_scorecard(project_id: int) -> Any:
    """The per-contractor monthly scorecard; a crew sees only its own contractor's rows."""
    _, only = contractor_scope(project_id)
    f = parse(request.args)
    if only is not None:
        f = dataclasses.replace(f, contractor_id=only)
    return {"filters": f.as_query(), "scorecard": numbers.scorecard(dbs(), project_id, f, now())}
