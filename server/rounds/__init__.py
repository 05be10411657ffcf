"""Rounds on the delivery calendar, 分户验收 checklists, the risk check and duplicate merges (REST)."""
