from __future__ import annotations

from typing import Any

from tests.sync.conftest import device, world  # noqa: F401  (the sync tests' small world and devices)


def push_twice(client: Any, tablet: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Push the tablet's outbox, then the very same batch again (the answer was lost): both answers."""
    batch = list(tablet.outbox)
    body = {"device_id": tablet.id, "mutations": batch}
    first = client.post("/api/sync/push", json=body, headers=tablet.headers).get_json()["results"]
    again = client.post("/api/sync/push", json=body, headers=tablet.headers).get_json()["results"]
    tablet.outbox = []
    return first, again
