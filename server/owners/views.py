"""The owners blueprint, with its views gathered from the modules that hold them."""

from . import attendance_views, visit_views  # noqa: F401  (register their routes)
from .letter_views import blp

__all__ = ["blp"]
