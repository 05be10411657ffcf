"""SQLite: the portable versions, and one writer at a time."""

from __future__ import annotations

from .base import Portable


class SQLite(Portable):
    name = "sqlite"
    # One writer at a time: a push takes the write lock first, so it never upgrades a stale read snapshot.
    lock_before_read = True
