"""Inspection rounds on the delivery calendar, 分户验收 checklists, the pre-delivery risk check and
duplicate defects (../../docs/rounds-and-checklists.md). Plain functions over a session; no Flask."""

from .risk import risk_status

__all__ = ["risk_status"]
