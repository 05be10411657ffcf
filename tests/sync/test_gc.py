"""The collector is tuned once per process instead of being switched off around each request (which is
process-wide state, unsafe with several threads per worker)."""

from __future__ import annotations

import gc
import threading

from server.sync_api import heap

from .test_push import create_args


def test_collection_stays_on_while_pushes_run_in_threads(app, world, device):
    assert gc.isenabled() and gc.get_threshold()[0] == heap.YOUNG
    seen: list[bool] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            seen.append(gc.isenabled())

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        a = device(world.inspector)
        for _ in range(3):
            a.mutate("defect.create", **create_args(world))
        assert [r["status"] for r in a.push()] == ["applied"] * 3
    finally:
        stop.set()
        watcher.join()
    assert seen and all(seen)
    heap.tune()  # again: nothing changes
    assert gc.get_threshold()[0] == heap.YOUNG
