"""Processes for the concurrency tests: writers push through their own app, pullers pull until told to stop."""

from __future__ import annotations

import gzip
import json
import random
import time
import uuid
from typing import Any

from sync.hlc import Clock


def _client(url: str) -> Any:
    from server.app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    return app, app.test_client()


def writer(url: str, token: str, unit_id: int, type_id: int, contractor_id: int, pushes: int, seed: int) -> dict:
    """Push creates, edits and status changes; re-send some batches as if the response was lost."""
    app, client = _client(url)
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    device = str(uuid.uuid4())
    clock = Clock(device)
    seq, mine, sent_status, created = 0, [], 0, 0
    with app.app_context():
        for _ in range(pushes):
            batch = []
            for _ in range(rng.randint(1, 6)):
                seq += 1
                if mine and rng.random() < 0.4:
                    d = rng.choice(mine)
                    if rng.random() < 0.5:
                        name, args = "defect.update", {"id": d, "fields": {"description": f"改{seq}"}}
                    else:
                        name = "defect.status"
                        args = {"id": d, "action": "assign", "from": "open", "contractor_id": contractor_id}
                        sent_status += 1
                else:
                    d = str(uuid.uuid4())
                    mine.append(d)
                    created += 1
                    name, args = "defect.create", {"id": d, "unit_id": unit_id, "type_id": type_id, "description": "新"}
                batch.append({"seq": seq, "hlc": clock.tick(), "name": name, "args": args})
            for attempt in range(1 + (rng.random() < 0.2)):
                r = client.post("/api/sync/push", json={"device_id": device, "mutations": batch}, headers=headers)
                assert r.status_code == 200, r.get_data(as_text=True)
                results = r.get_json()["results"]
                assert all(x["status"] in ("applied", "merged", "conflict") for x in results), results
                assert all(x.get("replayed", False) == bool(attempt) for x in results)
    return {"device": device, "seq": seq, "created": mine, "status_sent": sent_status}


def puller(url: str, token: str, stop_file: str) -> dict:
    """Pull in small pages until the stop file appears, then to the end; returns the replica."""
    import os

    app, client = _client(url)
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
    cursor, replica, pages = "", {}, 0
    with app.app_context():
        while True:
            done = os.path.exists(stop_file)
            while True:
                r = client.get(f"/api/sync/pull?cursor={cursor}&limit=7", headers=headers)
                raw = r.get_data()
                body = json.loads(gzip.decompress(raw) if r.headers.get("Content-Encoding") == "gzip" else raw)
                r.close()
                pages += 1
                for c in body["changes"]:
                    if c["kind"] == "defect":
                        replica[c["id"]] = c["data"]
                cursor = body["cursor"]
                if not body["more"]:
                    break
            if done:
                return {"replica": replica, "pages": pages}
            time.sleep(0.005)
