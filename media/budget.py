"""A process-wide memory budget for decoding images.

Each decode asks for the bytes its header says it will need (``images.decode_cost``) and waits until they
fit under the total; a single request larger than the total is refused outright, never waited for. So
however many photos arrive together, the decoded pixels held at once stay under the budget.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class MemoryBudget:
    def __init__(self, total: int):
        self.total = total
        self.used = 0
        self.peak = 0
        self._cond = threading.Condition()

    @contextmanager
    def hold(self, amount: int) -> Iterator[None]:
        if amount > self.total:
            raise ValueError(f"{amount} bytes is more than the whole budget of {self.total}")
        with self._cond:
            self._cond.wait_for(lambda: self.used + amount <= self.total)
            self.used += amount
            self.peak = max(self.peak, self.used)
        try:
            yield
        finally:
            with self._cond:
                self.used -= amount
                self._cond.notify_all()


_budgets: dict[int, MemoryBudget] = {}
_lock = threading.Lock()


def budget(total: int) -> MemoryBudget:
    """The process's budget of this size (one per configured total, shared by every thread)."""
    with _lock:
        found = _budgets.get(total)
        if found is None:
            found = _budgets[total] = MemoryBudget(total)
        return found
