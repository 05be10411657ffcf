"""Sync throughput against the server as it runs in production: gunicorn workers over PostgreSQL (and SQLite).

Workload (issue 3): 10 devices each create 1,000 defects (Chinese descriptions, 2 photo references each)
in pushes of 100, four devices pushing at once; then each device changes the status or fields of 500
defects created by others; then a fresh device pulls everything, and a delta since the end of the creates.

Before anything is timed, 4 devices of a second project (no measured user is a member) push 800 creates,
so that every worker has compiled and prepared its statements: the figures are for a server under load,
not for its first requests after a start.

Prints each figure with its target and its ratio to a plain batched INSERT of the same rows into the
same database (how close to the database's own limit the engine gets). Medians and p99 of push latency.

    python bench/sync_bench.py            # full run, PostgreSQL then SQLite (a few minutes)
    python bench/sync_bench.py --quick    # tiny run used by the smoke test
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import requests
from isal import igzip  # the fastest inflate at hand, as a browser's native one

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORDS = ["客厅", "主卧", "次卧", "厨房", "卫生间", "阳台", "书房", "餐厅"]
PROBLEMS = [
    "墙面空鼓，敲击有空鼓声，面积约{a}0×{b}0cm",
    "地砖空鼓{a}处，轻敲有回响，需返工",
    "顶棚有水渍，疑似楼上卫生间渗漏，请立即到场查看",
    "门框与墙体交接处开裂，缝宽约{a}mm，长约{b}0cm",
    "窗户开启不灵活，密封胶条脱落",
    "插座无电，{a}号回路需电工排查",
    "踢脚线与墙面之间有{a}mm缝隙，色差明显",
    "墙面垂直度偏差{a}mm，超出允许范围",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def setup_database(url: str, devices: int) -> dict[str, Any]:
    """Schema, one project with units and the defect library, one inspector per device with a token."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from domain.models import Base, Building, Contractor, DefectType, Membership, PlanType, Project, Room, Unit, User
    from server.accounts.service import issue_token
    from server.library.seed import seed_library

    engine = create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        seed_library(s)
        project = Project(code="BENCH", name="基准测试项目", city="佛山")
        s.add(project)
        s.flush()
        plan = PlanType(project_id=project.id, code="A", name="A户型")
        plan.rooms = [Room(code=f"r{i}", name=w, position=i, x0=0, y0=0, x1=1, y1=1) for i, w in enumerate(WORDS)]
        building = Building(project_id=project.id, code="1", name="1栋", floors=30)
        s.add_all([plan, building])
        s.flush()
        units = [
            Unit(
                project_id=project.id, building_id=building.id, floor=f, number=f"{f:02d}{n:02d}", plan_type_id=plan.id
            )
            for f in range(1, 31)
            for n in range(1, 5)
        ]
        contractors = [Contractor(name=f"施工单位{i}", trade="土建") for i in range(3)]
        s.add_all(units + contractors)
        users = [User(username=f"bench{i}", display_name=f"检查员{i}", role="inspector") for i in range(devices + 1)]
        s.add_all(users)
        s.flush()
        s.add_all([Membership(user_id=u.id, project_id=project.id) for u in users])
        tokens = [issue_token(s, u, timedelta(days=1), device="bench").token for u in users]
        # A second project whose pushes warm the workers up before anything is timed; nobody measured
        # is a member of it, so its defects stay out of every pull.
        other = Project(code="WARM", name="预热项目", city="佛山")
        s.add(other)
        s.flush()
        other_plan = PlanType(project_id=other.id, code="A", name="A户型")
        other_plan.rooms = [Room(code="r0", name="客厅", position=0, x0=0, y0=0, x1=1, y1=1)]
        other_building = Building(project_id=other.id, code="1", name="1栋", floors=1)
        s.add_all([other_plan, other_building])
        s.flush()
        other_unit = Unit(
            project_id=other.id, building_id=other_building.id, floor=1, number="0101", plan_type_id=other_plan.id
        )
        warmer = User(username="bench-warm", display_name="预热", role="inspector")
        s.add_all([other_unit, warmer])
        s.flush()
        s.add(Membership(user_id=warmer.id, project_id=other.id))
        world = {
            "units": [u.id for u in units],
            "rooms": [r.id for r in plan.rooms],
            "types": list(s.scalars(select(DefectType.id))),
            "contractors": [c.id for c in contractors],
            "tokens": tokens,
            "warm": {
                "units": [other_unit.id],
                "rooms": [r.id for r in other_plan.rooms],
                "token": issue_token(s, warmer, timedelta(days=1), device="bench").token,
            },
        }
        s.commit()
    engine.dispose()
    return world


def baseline_insert(
    url: str, rows: list[dict[str, Any]], photos: list[dict[str, Any]], batch: int, copy: bool = False
) -> float:
    """Rows per second for a plain batched INSERT of the same defects and photos (one transaction per batch);
    with ``copy``, the same through COPY (PostgreSQL's fastest way in, which the push itself uses)."""
    from sqlalchemy import create_engine, delete, insert
    from sqlalchemy.orm import Session

    from domain.models import Defect, DefectPhoto
    from sync.bulk import insert_rows

    engine = create_engine(url)
    per_defect = len(photos) // len(rows)
    start = time.perf_counter()
    with Session(engine) as s:
        for i in range(0, len(rows), batch):
            page, page_photos = rows[i : i + batch], photos[i * per_defect : (i + batch) * per_defect]
            if copy:
                insert_rows(s, Defect, page)
                insert_rows(s, DefectPhoto, page_photos)
            else:
                s.execute(insert(Defect), page)
                s.execute(insert(DefectPhoto), page_photos)
            s.commit()
    elapsed = time.perf_counter() - start
    with engine.begin() as conn:
        conn.execute(delete(DefectPhoto))
        conn.execute(delete(Defect))
    engine.dispose()
    return len(rows) / elapsed


class Server:
    def __init__(self, url: str, workers: int, threads: int = 1):
        self.port = free_port()
        self.instance = tempfile.mkdtemp(prefix="bench-instance-")
        env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": self.instance, "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads)]
        cmd += ["-b", f"127.0.0.1:{self.port}"]
        cmd += ["--log-level", "warning", "server.app:create_app()"]
        # One JSON line per request goes to the log file, not the terminal.
        self.log = open(Path(self.instance) / "gunicorn.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 180  # a loaded machine can take minutes to import the app
        while time.time() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def make_creates(world: dict[str, Any], devices: int, per_device: int, rng: random.Random) -> list[list[dict]]:
    out = []
    for _ in range(devices):
        muts = []
        for _ in range(per_device):
            text = rng.choice(PROBLEMS).format(a=rng.randint(1, 9), b=rng.randint(2, 9))
            muts.append(
                {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "unit_id": rng.choice(world["units"]),
                    "type_id": rng.choice(world["types"]),
                    "room_id": rng.choice(world["rooms"]),
                    "pin_x": round(rng.random(), 4),
                    "pin_y": round(rng.random(), 4),
                    "description": f"{rng.choice(WORDS)}：{text}",
                    "photos": [
                        {"sha256": rng.getrandbits(256).to_bytes(32, "big").hex(), "kind": "before"} for _ in range(2)
                    ],
                }
            )
        out.append(muts)
    return out


class Device:
    def __init__(self, base: str, token: str):
        self.id = str(uuid.uuid4())
        self.seq = 0
        self.base = base
        self.http = requests.Session()
        self.http.headers.update(
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept-Encoding": "gzip"}
        )
        self.t = int(time.time() * 1000)

    def batch(self, named: list[tuple[str, dict]]) -> bytes:
        muts = []
        for name, args in named:
            self.seq += 1
            self.t += 1
            muts.append({"seq": self.seq, "hlc": f"{self.t:013d}:00000:{self.id}", "name": name, "args": args})
        return orjson.dumps({"device_id": self.id, "mutations": muts})

    def push(self, body: bytes) -> float:
        start = time.perf_counter()
        r = self.http.post(self.base + "/api/sync/push", data=body)
        elapsed = time.perf_counter() - start
        if r.status_code != 200:
            raise RuntimeError(f"push failed: {r.status_code} {r.text[:300]}")
        bad = [x for x in r.json()["results"] if x["status"] not in ("applied", "merged", "conflict")]
        if bad:
            raise RuntimeError(f"push rejected: {bad[:3]}")
        return elapsed

    def pull_all(self, cursor: str = "", limit: int = 1000) -> tuple[int, int, str, float]:
        """(changes, bytes on the wire, cursor, seconds)"""
        n = wire = 0
        start = time.perf_counter()
        while True:
            r = self.http.get(self.base + "/api/sync/pull", params={"cursor": cursor, "limit": limit}, stream=True)
            raw = r.raw.read()  # the compressed bytes as sent
            # Decoded with the garbage collector paused, as the server builds the page: a 5,000-defect page
            # is some 200,000 objects, and the full collections they set off in this long-lived process
            # would double the decode time at random (a browser's JSON.parse has no such cost).
            gc.disable()
            try:
                body = orjson.loads(igzip.decompress(raw) if r.headers.get("Content-Encoding") == "gzip" else raw)
            finally:
                gc.enable()
            wire += len(raw)
            n += len(body["changes"])
            cursor = body["cursor"]
            if not body["more"]:
                return n, wire, cursor, time.perf_counter() - start


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (Linux /proc; 0 for one that has gone)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def server_pids(server: Server, url: str) -> tuple[list[int], list[int]]:
    """(gunicorn workers, PostgreSQL backends serving the bench database) — for CPU per push, a figure the
    other load on a shared machine does not move much."""
    children = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children").read_text().split()
    backends: list[int] = []
    if url.startswith("postgresql"):
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database) as conn:
            rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (u.database,)).fetchall()
            mine = conn.info.backend_pid
        backends = [pid for (pid,) in rows if pid != mine]
    return [int(c) for c in children], backends


def run_phase(jobs: list[tuple[Device, bytes]], concurrency: int) -> tuple[float, list[float]]:
    """Pushes per device in order, `concurrency` devices at once. Returns (seconds, latencies)."""
    by_device: dict[str, list[tuple[Device, bytes]]] = {}
    for dev, body in jobs:
        by_device.setdefault(dev.id, []).append((dev, body))
    latencies: list[float] = []

    def drive(queue: list[tuple[Device, bytes]]) -> list[float]:
        return [dev.push(body) for dev, body in queue]

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for lat in pool.map(drive, by_device.values()):
            latencies.extend(lat)
    return time.perf_counter() - start, latencies


def bench(
    label: str, url: str, devices: int, per_device: int, updates: int, batch: int, workers: int, threads: int
) -> dict:
    rng = random.Random(20261123)
    world = setup_database(url, devices)
    creates = make_creates(world, devices, per_device, rng)

    from domain.models import utcnow

    now = utcnow()
    flat = [a for dev in creates for a in dev]
    rows = [
        {
            "id": uuid.UUID(a["id"]),
            "project_id": 1,
            "unit_id": a["unit_id"],
            "room_id": a["room_id"],
            "pin_x": a["pin_x"],
            "pin_y": a["pin_y"],
            "type_id": a["type_id"],
            "severity": "B",
            "description": a["description"],
            "status": "open",
            "repeat_count": 0,
            "created_at": now,
            "updated_at": now,
            "field_clocks": {},
        }
        for a in flat
    ]
    photos = [
        {"defect_id": uuid.UUID(a["id"]), "sha256": p["sha256"], "kind": "before", "added_at": now, "clock": ""}
        for a in flat
        for p in a["photos"]
    ]
    base_rate = baseline_insert(url, rows, photos, batch)
    copy_rate = baseline_insert(url, rows, photos, batch, copy=True) if url.startswith("postgresql") else None

    server = Server(url, workers, threads)
    try:
        devs = [Device(server.base, world["tokens"][i]) for i in range(devices)]
        jobs = []
        for dev, muts in zip(devs, creates):
            for i in range(0, len(muts), batch):
                jobs.append((dev, dev.batch([("defect.create", a) for a in muts[i : i + batch]])))
        # Every worker has run pushes (its statements compiled and prepared) and pulls before anything is
        # timed: the figures are for a server under load, not for its first requests after a start.
        warm_world = {**world, **world["warm"]}
        warm_devs = [Device(server.base, world["warm"]["token"]) for _ in range(4)]
        warm_jobs = [
            (dev, dev.batch([("defect.create", a) for a in muts[i : i + batch]]))
            for dev, muts in zip(warm_devs, make_creates(warm_world, 4, 2 * batch, random.Random(1)))
            for i in range(0, len(muts), batch)
        ]
        run_phase(warm_jobs, 4)
        warm = Device(server.base, world["tokens"][-1])
        for _ in range(8):
            warm.pull_all()
        workers_pids, backend_pids = server_pids(server, url)
        cpu0 = cpu_seconds(workers_pids), cpu_seconds(backend_pids)
        t_create, lat_create = run_phase(jobs, 4)
        cpu_created = cpu_seconds(workers_pids), cpu_seconds(backend_pids)
        cursor_after_create = Device(server.base, world["tokens"][-1]).pull_all()[2]
        cpu1 = cpu_seconds(workers_pids), cpu_seconds(backend_pids)  # the update phase starts after that pull

        jobs = []
        for k, dev in enumerate(devs):
            others = [a["id"] for j, muts in enumerate(creates) if j != k for a in muts]
            targets = rng.sample(others, updates)
            named = []
            for j, did in enumerate(targets):
                if j % 2:
                    named.append(
                        ("defect.update", {"id": did, "fields": {"severity": "A", "description": "复查：" + did[:8]}})
                    )
                else:
                    cid = rng.choice(world["contractors"])
                    named.append(
                        ("defect.status", {"id": did, "action": "assign", "from": "open", "contractor_id": cid})
                    )
            for i in range(0, len(named), batch):
                jobs.append((dev, dev.batch(named[i : i + batch])))
        t_update, lat_update = run_phase(jobs, 4)
        cpu2 = cpu_seconds(workers_pids), cpu_seconds(backend_pids)

        fresh = Device(server.base, world["tokens"][-1])
        full = [fresh.pull_all(limit=5000) for _ in range(3)]
        delta = [fresh.pull_all(cursor_after_create, limit=5000) for _ in range(3)]
    finally:
        server.stop()

    n_create, n_update = devices * per_device, devices * updates
    full_s = statistics.median(f[3] for f in full)
    delta_s = statistics.median(d[3] for d in delta)
    pushes_create, pushes_update = n_create / batch, n_update / batch
    return {
        "label": label,
        "cpu_create": (
            (cpu_created[0] - cpu0[0]) / pushes_create * 1000,
            (cpu_created[1] - cpu0[1]) / pushes_create * 1000,
        ),
        "cpu_update": ((cpu2[0] - cpu1[0]) / pushes_update * 1000, (cpu2[1] - cpu1[1]) / pushes_update * 1000),
        "create_rate": n_create / t_create,
        "create_p50": statistics.median(lat_create) * 1000,
        "create_p99": pct(lat_create, 99) * 1000,
        "update_rate": n_update / t_update,
        "update_p99": pct(lat_update, 99) * 1000,
        "baseline": base_rate,
        "copy_baseline": copy_rate,
        "full_n": full[0][0],
        "full_s": full_s,
        "full_mb": full[0][1] / 1e6,
        "delta_n": delta[0][0],
        "delta_s": delta_s,
        "delta_mb": delta[0][1] / 1e6,
    }


def report(r: dict) -> None:
    print(f"\n== {r['label']} ==")
    print(
        f"push creates : {r['create_rate']:8.0f} mutations/s  target 2000/s  ratio {r['create_rate'] / 2000:.2f}×"
        f"  | plain batched INSERT {r['baseline']:.0f} rows/s → {r['create_rate'] / r['baseline']:.2f} of it"
    )
    if r["copy_baseline"]:
        print(
            f"               plain batched COPY {r['copy_baseline']:.0f} rows/s"
            f" → push creates are {r['create_rate'] / r['copy_baseline']:.2f} of it"
        )
    print(
        f"push latency : p50 {r['create_p50']:.0f} ms, p99 {r['create_p99']:.0f} ms per 100-mutation push"
        f"  target p99 < 250 ms  ratio {r['create_p99'] / 250:.2f}"
    )
    print(
        f"push updates : {r['update_rate']:8.0f} mutations/s  target 1000/s  ratio {r['update_rate'] / 1000:.2f}×"
        f"  (p99 {r['update_p99']:.0f} ms)  | {r['update_rate'] / r['baseline']:.2f} of plain INSERT"
    )
    print(
        f"full pull    : {r['full_n']} changes in {r['full_s'] * 1000:.0f} ms (median of 3), {r['full_mb']:.2f} MB"
        f" on the wire  targets 0.5 s / 2.5 MB  ratios {r['full_s'] / 0.5:.2f} / {r['full_mb'] / 2.5:.2f}"
    )
    for phase in ("create", "update"):
        app, db = r[f"cpu_{phase}"]
        print(f"CPU per push : {phase}s {app:.1f} ms in the app workers, {db:.1f} ms in the database (100 mutations)")
    print(f"delta pull   : {r['delta_n']} changes in {r['delta_s'] * 1000:.0f} ms, {r['delta_mb']:.2f} MB on the wire")


def _admin_sql(*statements: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(PG_ADMIN)
    with psycopg.connect(
        host=admin.host, port=admin.port or 5432, user=admin.username, dbname=admin.database, autocommit=True
    ) as conn:
        for sql in statements:
            conn.execute(sql)  # type: ignore[arg-type]


def pg_database(name: str) -> str:
    """A new, empty database for the run; returns its URL."""
    from sqlalchemy.engine import make_url

    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def drop_pg(name: str) -> None:
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny workload, for the smoke test")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="threads per worker (scripts/serve.sh runs 4)")
    ap.add_argument("--only", choices=["postgresql", "sqlite"])
    args = ap.parse_args()
    devices, per_device, updates = (3, 200, 50) if args.quick else (10, 1000, 500)
    print(
        f"workload: {devices} devices × {per_device} creates, {updates} updates each; pushes of 100, 4 at once;"
        f" gunicorn {args.workers} workers × {args.threads} threads"
    )
    if args.only != "sqlite":
        name = f"yanshou_bench_{os.getpid()}"
        try:
            report(
                bench("PostgreSQL", pg_database(name), devices, per_device, updates, 100, args.workers, args.threads)
            )
        finally:
            drop_pg(name)
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.sqlite3"
            report(bench("SQLite", url, devices, per_device, updates, 100, args.workers, args.threads))


if __name__ == "__main__":
    main()
