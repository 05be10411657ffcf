"""Every mutation name and the function that merges it (``sync.mutations.ARGS`` names their arguments)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import merge
from .annotations import annotate
from .checkins import record as record_checkin
from .rounds_mutations import HANDLERS as ROUNDS_HANDLERS
from .walkthroughs import sign as sign_walkthrough

HANDLERS: dict[str, Callable[[merge.Context, Any], merge.Applied]] = {
    "defect.create": merge.create,
    "defect.update": merge.update,
    "defect.status": merge.change_status,
    "defect.photo_add": merge.photo_add,
    "defect.photo_remove": merge.photo_remove,
    "defect.comment": merge.comment,
    "photo.annotate": annotate,
    "walkthrough.sign": sign_walkthrough,
    "checkin.record": record_checkin,
    **ROUNDS_HANDLERS,  # checklist answers and merges of duplicates
}
