"""Quiet hours (免打扰): a user's e-mail waits until they end; the in-app inbox is silent anyway.

Hours are China time (UTC+8, no daylight saving), kept as minutes after midnight; a window may wrap past
midnight (22:00–07:00). Start equal to end, or either missing, means no quiet hours.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ..errors import DomainError, define
from .deadlines import CHINA

QUIET_HOURS_INVALID = define(
    "quiet_hours_invalid", 422, "Quiet hours need a start and an end (HH:MM), and they must differ"
)
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse(start: str, end: str) -> tuple[int | None, int | None]:
    """("22:00", "07:00") → (1320, 420); ("", "") → (None, None); anything else is refused."""
    if start == "" and end == "":
        return None, None
    a, b = _HHMM.match(start), _HHMM.match(end)
    if a is None or b is None or start == end:
        raise DomainError(
            QUIET_HOURS_INVALID,
            "免打扰时段需填写不同的开始和结束时间 / Quiet hours need a start and an end (HH:MM) that differ",
            errors={"json": {"quiet_start": [start], "quiet_end": [end]}},
        )
    return int(a[1]) * 60 + int(a[2]), int(b[1]) * 60 + int(b[2])


def fmt(minutes: int | None) -> str:
    return "" if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


def ends(start: int | None, end: int | None, now: datetime) -> datetime | None:
    """When the quiet hours ``now`` falls in end (an aware datetime), or None if ``now`` is not in them."""
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(CHINA)
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    until = midnight + timedelta(minutes=end)
    if until <= local:
        until += timedelta(days=1)
    return until.astimezone(now.tzinfo)
