"""The rounds blueprint, with its views gathered from the modules that hold them."""

from . import checklist_views, duplicate_views, risk_views  # noqa: F401  (register their routes)
from .calendar_views import blp

__all__ = ["blp"]
