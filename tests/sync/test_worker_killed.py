"""A gunicorn worker killed (SIGKILL) in the middle of pushes: clients retry, and the final state has no
lost acknowledged mutation and no duplicate."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from domain.models import AppliedMutation, Defect, DefectHistory
from server.extensions import db
from sync.hlc import Clock

ROOT = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _workers(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


@pytest.mark.slow
@pytest.mark.committed
def test_killed_worker_loses_nothing_and_duplicates_nothing(world, auth, database_url, tmp_path):
    port = _port()
    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path), "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "server.app:create_app()"]
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        tokens = [auth.headers(u) for u in (world.inspector, world.inspector2, world.manager)]
        unit_id, type_id = world.unit.id, world.dtype.id
        created: list[list[str]] = [[] for _ in range(6)]
        acked: list[int] = [0] * 6
        retries = [0]

        def device(k: int) -> None:
            rng = random.Random(k)
            http = requests.Session()
            dev = str(uuid.uuid4())
            clock, seq = Clock(dev), 0
            for _ in range(12):
                batch = []
                for _ in range(20):
                    seq += 1
                    if created[k] and rng.random() < 0.3:
                        name = "defect.update"
                        args = {"id": rng.choice(created[k]), "fields": {"description": f"第{seq}次修改"}}
                    else:
                        did = str(uuid.uuid4())
                        created[k].append(did)
                        name = "defect.create"
                        args = {"id": did, "unit_id": unit_id, "type_id": type_id, "description": "开裂"}
                    batch.append({"seq": seq, "hlc": clock.tick(), "name": name, "args": args})
                while True:  # the outbox keeps the batch until the server acknowledges it
                    try:
                        r = http.post(
                            base + "/api/sync/push",
                            json={"device_id": dev, "mutations": batch},
                            headers=tokens[k % 3],
                            timeout=20,
                        )
                        if r.status_code == 200:
                            assert all(x["status"] in ("applied", "merged") for x in r.json()["results"])
                            acked[k] += len(batch)
                            break
                    except requests.RequestException:  # connection reset by the killed worker
                        pass
                    retries[0] += 1
                    time.sleep(0.05)

        threads = [threading.Thread(target=device, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        kills = 0
        while any(t.is_alive() for t in threads) and kills < 6:
            time.sleep(0.4)
            pids = _workers(server.pid)
            if pids:
                os.kill(random.choice(pids), signal.SIGKILL)
                kills += 1
        for t in threads:
            t.join(120)
        assert not any(t.is_alive() for t in threads)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)
        log.close()

    db.session.expire_all()
    assert kills >= 3
    all_created = {d for per in created for d in per}
    rows = set(str(i) for i in db.session.scalars(select(Defect.id)))
    assert rows == all_created  # nothing acknowledged was lost, nothing extra appeared
    assert db.session.scalar(select(func.count()).select_from(AppliedMutation)) == sum(acked) == 6 * 12 * 20
    creates = select(func.count()).select_from(DefectHistory).where(DefectHistory.action == "create")
    assert db.session.scalar(creates) == len(all_created)  # no create applied twice
