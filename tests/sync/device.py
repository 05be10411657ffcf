"""A simulated device, as the PWA behaves: an outbox numbered by seq, an HLC, and a local replica that
pull keeps in step with the server (server state, then the still-pending outbox re-applied on top)."""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any

from sync.hlc import Clock


class SimDevice:
    def __init__(self, client: Any, headers: dict[str, str], device_id: str | None = None):
        self.client = client
        self.headers = headers
        self.id = device_id or str(uuid.uuid4())
        self.clock = Clock(self.id)
        self.seq = 0
        self.outbox: list[dict[str, Any]] = []
        self.cursor = ""
        self.defects: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, dict[str, Any]] = {}
        self.conflicts: dict[str, dict[str, Any]] = {}
        self.evicted: set[str] = set()
        self.resets = 0
        # During a reset's snapshot: the defects it sent (None when no reset is under way).
        self.resent: set[str] | None = None

    def mutate(self, name: str, **args: Any) -> dict[str, Any]:
        self.seq += 1
        m = {"seq": self.seq, "hlc": self.clock.tick(), "name": name, "args": _jsonable(args)}
        self.outbox.append(m)
        return m

    def push(self, batch: int = 100) -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        while self.outbox:
            chunk = self.outbox[:batch]
            body = {"device_id": self.id, "mutations": chunk}
            r = self.client.post("/api/sync/push", json=body, headers=self.headers)
            assert r.status_code == 200, r.get_json()
            body = r.get_json()
            self.clock.observe(body["hlc"])
            results.extend(body["results"])
            acked = {res["seq"] for res in body["results"]}
            self.outbox = [m for m in self.outbox if m["seq"] not in acked]
        return results

    def pull(self, limit: int = 1000, project_id: int | None = None) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        while True:
            q = f"/api/sync/pull?cursor={self.cursor}&limit={limit}"
            if project_id is not None:
                q += f"&project_id={project_id}"
            r = self.client.get(q, headers={**self.headers, "Accept-Encoding": "gzip"})
            assert r.status_code == 200, r.get_data(as_text=True)
            raw = r.get_data()
            body = json.loads(gzip.decompress(raw) if r.headers.get("Content-Encoding") == "gzip" else raw)
            r.close()
            if body["reset"]:
                assert body["changes"] == [] and body["more"]
                self.resets += 1
                self.resent = set()
            for c in body["changes"]:
                seen.append(c)
                store = {"defect": self.defects, "comment": self.comments, "conflict": self.conflicts}[c["kind"]]
                if c["op"] == "upsert":
                    store[c["id"]] = c["data"]
                    if c["kind"] == "defect" and self.resent is not None:
                        self.resent.add(c["id"])
                else:
                    store.pop(c["id"], None)
                    if c["kind"] == "defect":
                        self.evicted.add(c["id"])
                        for other in (self.comments, self.conflicts):
                            for k in [k for k, v in other.items() if v["defect_id"] == c["id"]]:
                                del other[k]
            self.cursor = body["cursor"]
            if not body["more"]:
                if self.resent is not None:
                    self._sweep(self.resent, project_id)
                    self.resent = None
                return seen

    def _sweep(self, resent: set[str], project_id: int | None) -> None:
        """After a reset's snapshot: drop what it did not send, except defects with unsynced mutations."""
        pending = {m["args"].get("id") for m in self.outbox}
        for defect_id, d in list(self.defects.items()):
            if defect_id in resent or defect_id in pending:
                continue
            if project_id is not None and d["project_id"] != project_id:
                continue
            del self.defects[defect_id]
            for other in (self.comments, self.conflicts):
                for k in [k for k, v in other.items() if v["defect_id"] == defect_id]:
                    del other[k]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
