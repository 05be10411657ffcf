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

YOUNG = 50_000  # allocations between young collections (CPython's default is 700 or 2,000)


def tune() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
