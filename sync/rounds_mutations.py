"""Mutation kinds beyond the defect's own: checklist answers and merges of duplicate defects. The push
looks them up here after ``merge.HANDLERS``; their arguments join ``mutations.ARGS``."""

from __future__ import annotations

from typing import Any

from . import checklists, duplicates

ARGS: dict[str, Any] = {
    "checklist.result": checklists.ResultArgs,
    "defect.merge": duplicates.MergeArgs,
}

HANDLERS = {
    "checklist.result": checklists.handle,
    "defect.merge": duplicates.handle,
}
