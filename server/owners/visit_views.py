"""The manager's 回访 queue: units whose owner has not rated the repairs within the project's
``visit_timeout_days`` of the last closure, due for a phone 回访 (电话回访). Staff record the call's result
as the ``visit`` of those items (a ``defect.status`` mutation from the PWA, offline-capable and exactly
once like any other); it counts as ``visit_method`` "phone" in the statistics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app

from domain.followup import visits

from ..accounts.auth import login_required
from ..http import dbs
from .letter_views import blp, managed


def now() -> datetime:
    """The clock, injectable in tests through the app config (STATS_NOW), like the statistics'."""
    fixed = current_app.config.get("STATS_NOW")
    return fixed if fixed is not None else datetime.now(UTC)


@blp.route("/projects/<int:project_id>/visits/due")
@login_required()
@blp.response(200)
def visits_due(project_id: int) -> Any:
    """Units due for a phone 回访, the longest waiting first, with their owners and the items to rate."""
    managed(project_id)
    return {
        "timeout_days": visits.timeout_days(dbs(), project_id),
        "units": visits.due_units(dbs(), project_id, now()),
    }
