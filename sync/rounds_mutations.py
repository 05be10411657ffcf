"""Mutation kinds beyond the defect's own: checklist answers and merges of duplicate defects. Importing
this module adds their argument structs to ``mutations.ARGS``; the push looks their handlers up here
after ``merge.HANDLERS``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import checklists, duplicates, merge
from .mutations import ARGS, Args

ROUNDS_ARGS: dict[str, type[Args]] = {
    "checklist.result": checklists.ResultArgs,
    "defect.merge": duplicates.MergeArgs,
}
ARGS.update(ROUNDS_ARGS)

HANDLERS: dict[str, Callable[[merge.Context, Any], merge.Applied]] = {
    "checklist.result": checklists.handle,
    "defect.merge": duplicates.handle,
}
