"""Hybrid logical clocks: "{physical_ms:013d}:{counter:05d}:{device_id}", ordered as plain strings.

The physical part follows the wall clock, the counter orders events within a millisecond, and the device
id breaks ties deterministically, so every replica orders any two writes the same way.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

HLC_RE = re.compile(r"^(\d{13}):(\d{5}):([A-Za-z0-9_.\-]{1,64})$")
MAX_COUNTER = 99999
# A device clock further ahead of the server's than this is wrong, not merely skewed: its mutations are
# re-stamped with the time the server received them (docs/sync-protocol.md, "Clocks").
MAX_DRIFT_MS = 5 * 60 * 1000


@dataclass(frozen=True, order=True)
class Stamp:
    physical: int
    counter: int
    node: str

    def __str__(self) -> str:
        return f"{self.physical:013d}:{self.counter:05d}:{self.node}"


def parse(value: str) -> Stamp:
    m = HLC_RE.match(value)
    if m is None:
        raise ValueError(f"not a hybrid logical clock: {value!r}")
    return Stamp(int(m.group(1)), int(m.group(2)), m.group(3))


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class Clock:
    """A node's clock: ``tick`` for a local event, ``observe`` when a remote stamp is received."""

    def __init__(self, node: str, wall: object = None):
        self.node = node
        self._wall = wall or now_ms
        self._last = Stamp(0, 0, node)
        self._lock = threading.Lock()

    def _now(self) -> int:
        return int(self._wall())  # type: ignore[operator]

    def tick(self) -> str:
        with self._lock:
            wall = self._now()
            if wall > self._last.physical:
                self._last = Stamp(wall, 0, self.node)
            else:
                self._last = self._bump(self._last.physical, self._last.counter)
            return str(self._last)

    def observe(self, remote: str) -> str:
        """Merge a remote stamp (must be valid) and return a stamp later than both."""
        other = parse(remote)
        with self._lock:
            wall = self._now()
            physical = max(wall, self._last.physical, other.physical)
            if physical == self._last.physical == other.physical:
                counter = max(self._last.counter, other.counter)
                self._last = self._bump(physical, counter)
            elif physical == self._last.physical:
                self._last = self._bump(physical, self._last.counter)
            elif physical == other.physical:
                self._last = self._bump(physical, other.counter)
            else:
                self._last = Stamp(physical, 0, self.node)
            return str(self._last)

    def _bump(self, physical: int, counter: int) -> Stamp:
        if counter >= MAX_COUNTER:  # 100,000 events in one millisecond: borrow the next millisecond
            return Stamp(physical + 1, 0, self.node)
        return Stamp(physical, counter + 1, self.node)


def after(*stamps: str | None, node: str = "server") -> str:
    """A stamp later than every given one and than now (used for server-made changes)."""
    clock = Clock(node)
    for s in stamps:
        if s:
            clock.observe(s)
    return clock.tick()
