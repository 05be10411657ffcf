"""Checks on a project's follow-up set-up as a manager edits it, each refusal with its own code so the
app can say exactly what to correct (pwa/src/i18n/errors.js words them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..errors import DomainError, define

FIX_BEFORE_RESPONSE = define("followup_fix_before_response", 422, "A fix time cannot be shorter than the response time")
TYPE_UNKNOWN = define("followup_type_unknown", 422, "No such defect type")
LADDER_GAP = define("ladder_levels_gap", 422, "Ladder levels must run 1, 2, 3 … without gaps")
LADDER_NOT_RISING = define("ladder_not_rising", 422, "A higher ladder level cannot come sooner than a lower one")
ROUTE_CONTRACTOR_UNKNOWN = define("route_contractor_unknown", 422, "No such contractor")
ROUTE_BUILDING_UNKNOWN = define("route_building_unknown", 422, "The building is not in this project")
ROUTE_DUPLICATE = define("route_duplicate", 422, "A trade is routed twice for one building")
EMAIL_MISSING = define("notify_email_missing", 422, "E-mail was chosen for some messages but no address is given")


def check_limits(rows: Iterable[dict[str, Any]], where: str) -> None:
    """Each row's fix time is at least its response time (the repair cannot be due before someone comes)."""
    for i, row in enumerate(rows):
        if row["fix_minutes"] < row["response_minutes"]:
            raise DomainError(
                FIX_BEFORE_RESPONSE,
                "修复时限不能短于响应时限 / The fix time cannot be shorter than the response time",
                errors={"json": {where: {str(i): {"fix_minutes": ["shorter than response_minutes"]}}}},
                **{k: row[k] for k in ("category", "severity", "type_id") if k in row},
            )


def check_ladder(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps in level order: levels 1..n, each threshold no sooner than the level below."""
    steps = sorted(steps, key=lambda s: s["level"])
    if [s["level"] for s in steps] != list(range(1, len(steps) + 1)):
        raise DomainError(LADDER_GAP, "级别须从 1 起连续 / Levels must run 1, 2, 3 … without gaps")
    for a, b in zip(steps, steps[1:]):
        if b["after_hours"] < a["after_hours"] or b["urgent_after_hours"] < a["urgent_after_hours"]:
            raise DomainError(
                LADDER_NOT_RISING,
                "高级别的时限不能早于低级别 / A higher level cannot come sooner than a lower one",
                level=b["level"],
            )
    return steps
