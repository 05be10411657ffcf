"""Garbage collection tuned once per worker process, instead of switched off per request.

A push or a pull page allocates tens of thousands of short-lived objects (rows, dicts, strings), which
used to set off full collections that walk every object of the long-lived worker: a third of a
5,000-defect pull page's time. Turning the collector off around each request is process-wide state,
unsafe with several threads per worker. Instead, when the app is built: everything alive by then
(modules, the app, the mappers) is frozen out of the collector's walks, and the young generation is
made large enough that a request's garbage is freed by reference counting before a collection comes.
Both are set once, before any request thread runs."""

from __future__ import annotations

import gc

# Young collections start when the net count of new container objects (allocations minus frees) passes
# this. A push or a pull page holds a few hundred thousand objects at once (rows, dicts, ORM state) and
# frees them by reference counting: at CPython's default of 700 it would walk them dozens of times per
# request. Only cyclic garbage waits longer to be freed, and a request makes little.
YOUNG = 1_000_000


_tuned = False


def tune() -> None:
    """Once per process (a test run builds many apps; a worker builds one)."""
    global _tuned
    if _tuned:
        return
    _tuned = True
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
