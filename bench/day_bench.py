"""A delivery day on a small server: 200 tablets at once, photos with every defect (issue 18).

    python bench/day_bench.py                      # split pools + image worker (the production layout)
    python bench/day_bench.py --layout single      # one gunicorn pool for everything, as before issue 18
    python bench/day_bench.py --quick              # a short run (smoke test)

The server runs as in production on this machine: gunicorn over PostgreSQL with local photo storage.
``--layout split`` (default) runs a pool for sync (``/api/sync``) and a pool for photo uploads
(``/api/photos``) — what a reverse proxy does by path, see docs/photos.md — and one image worker
(``flask photos work``) at a lower CPU priority. ``--layout single`` runs one pool of 4 workers serving
everything and no image worker (photos are processed inside the upload request, the layout issue 18 measured).

The load, time-compressed: the busiest minutes of the day rather than the whole day, at the real rate.
- 170 inspector devices: every ~30 s (jittered) upload 1–3 distinct ~400 KB 2048 px photos, push a
  ``defect.create`` per photo, then pull.
- 20 crew devices (4 contractors): every ~30 s pull, take a defect dispatched to their contractor, upload
  an after-photo, push ``defect.photo_add`` + ``defect.status fix``.
- 10 manager devices: every ~30 s pull and dispatch up to 5 open defects (``defect.status assign``).
Devices start spread over one cycle. The load generator runs on the same 2 cores.

Printed: push and pull p99 as the client sees them (target ≤ 250 ms), photo upload ack p99 (≤ 500 ms),
derivatives ready p95 after the ack (≤ 30 s), errors (0), and an audit at the end: every acknowledged
defect, mutation and photo is in the database (once) and in storage, with its thumbnail and display copy.
Then the capacity: device counts stepped up (or down) by 50 until push p99 crosses 250 ms; the largest
count that held is printed.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sync_bench import PROBLEMS, WORDS, Server, drop_pg, free_port, pct, pg_database  # noqa: E402

CYCLE = 30.0  # seconds between a device's rounds
TARGET_MS = 250.0


# ---- photos: distinct ~400 KB, 2048 px JPEGs, cheap to make distinct (a unique comment segment) ----


def photo_pool(n: int, seed: int = 7) -> list[bytes]:
    from media_bench import camera_jpeg
    from PIL import Image

    pool = []
    for i in range(n):
        raw = camera_jpeg(2048, 1536)
        img = Image.open(io.BytesIO(raw))
        img = img.rotate(i * 7, resample=Image.Resampling.NEAREST)
        for q in (80, 70, 60, 50, 40):
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=q)
            if buf.tell() <= 450_000:
                break
        pool.append(buf.getvalue())
    return pool


def distinct(jpeg: bytes) -> bytes:
    """The same pixels with a unique COM segment: new bytes, new hash, same decoding cost."""
    tag = uuid.uuid4().bytes * 2
    return jpeg[:2] + b"\xff\xfe" + (len(tag) + 2).to_bytes(2, "big") + tag + jpeg[2:]


# ---- the world ----


def setup(url: str, inspectors: int, crews: int, managers: int) -> dict[str, Any]:
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
        project = Project(code="DAY", name="交付日", city="佛山")
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
        contractors = [Contractor(name=f"施工单位{i}", trade="土建") for i in range(4)]
        s.add_all(units + contractors)
        s.flush()
        people: dict[str, list[User]] = {
            "inspector": [
                User(username=f"insp{i}", display_name=f"检查员{i}", role="inspector") for i in range(inspectors)
            ],
            "manager": [User(username=f"mgr{i}", display_name=f"经理{i}", role="manager") for i in range(managers)],
            "crew": [
                User(username=f"crew{i}", display_name=f"维修{i}", role="crew", contractor_id=contractors[i % 4].id)
                for i in range(crews)
            ],
        }
        for group in people.values():
            s.add_all(group)
        s.flush()
        s.add_all([Membership(user_id=u.id, project_id=project.id) for u in people["inspector"] + people["manager"]])
        world = {
            "units": [u.id for u in units],
            "rooms": [r.id for r in plan.rooms],
            "types": list(s.scalars(select(DefectType.id))),
            "contractors": [c.id for c in contractors],
            "tokens": {
                role: [(issue_token(s, u, timedelta(days=1), device="day").token, u.contractor_id) for u in group]
                for role, group in people.items()
            },
        }
        s.commit()
    engine.dispose()
    return world


# ---- the devices ----


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.push: list[float] = []
        self.pull: list[float] = []
        self.upload: list[float] = []
        self.errors: list[str] = []
        self.acked_defects: set[str] = set()
        self.acked_mutations: list[tuple[str, int, str]] = []  # (device, seq, status)
        self.acked_photos: dict[str, float] = {}  # sha256 → wall time of the ack
        self.open_defects: list[str] = []
        self.assigned: dict[int, list[str]] = {}

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            getattr(self, kind).append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            if len(self.errors) < 1000:
                self.errors.append(what)


class Device:
    def __init__(self, sync_base: str, photo_base: str, token: str, stats: Stats, rng: random.Random):
        self.id = str(uuid.uuid4())
        self.seq = 0
        self.sync_base, self.photo_base = sync_base, photo_base
        self.http = requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"})
        self.stats = stats
        self.rng = rng
        self.cursor = ""
        self.t = int(time.time() * 1000)

    def upload(self, data: bytes) -> str | None:
        import hashlib

        sha = hashlib.sha256(data).hexdigest()
        start = time.perf_counter()
        try:
            r = self.http.put(
                f"{self.photo_base}/api/photos/{sha}", data=data, headers={"Content-Type": "image/jpeg"}, timeout=120
            )
        except requests.RequestException as exc:
            self.stats.error(f"upload: {exc}")
            return None
        elapsed = time.perf_counter() - start
        if r.status_code not in (200, 201):
            self.stats.error(f"upload {r.status_code}: {r.text[:200]}")
            return None
        self.stats.add("upload", elapsed)
        with self.stats.lock:
            self.stats.acked_photos[sha] = time.time()
        return sha

    def push(self, named: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]] | None:
        muts = []
        for name, args in named:
            self.seq += 1
            self.t = max(self.t + 1, int(time.time() * 1000))
            muts.append({"seq": self.seq, "hlc": f"{self.t:013d}:00000:{self.id}", "name": name, "args": args})
        body = orjson.dumps({"device_id": self.id, "mutations": muts})
        start = time.perf_counter()
        try:
            r = self.http.post(
                self.sync_base + "/api/sync/push", data=body, headers={"Content-Type": "application/json"}, timeout=120
            )
        except requests.RequestException as exc:
            self.stats.error(f"push: {exc}")
            return None
        elapsed = time.perf_counter() - start
        if r.status_code != 200:
            self.stats.error(f"push {r.status_code}: {r.text[:200]}")
            return None
        self.stats.add("push", elapsed)
        results = r.json()["results"]
        with self.stats.lock:
            for m, res in zip(muts, results):
                self.stats.acked_mutations.append((self.id, m["seq"], res["status"]))
                if res["status"] not in ("applied", "merged", "conflict"):
                    self.stats.errors.append(f"mutation {m['name']} {res['status']}: {res.get('message', '')[:120]}")
        return results

    def pull(self) -> None:
        start = time.perf_counter()
        try:
            while True:
                r = self.http.get(
                    self.sync_base + "/api/sync/pull", params={"cursor": self.cursor, "limit": 1000}, timeout=120
                )
                if r.status_code != 200:
                    self.stats.error(f"pull {r.status_code}: {r.text[:200]}")
                    return
                page = r.json()
                self.cursor = page["cursor"]
                if not page["more"]:
                    break
        except requests.RequestException as exc:
            self.stats.error(f"pull: {exc}")
            return
        self.stats.add("pull", time.perf_counter() - start)


def inspector_round(dev: Device, world: dict[str, Any], pool: list[bytes]) -> None:
    rng = dev.rng
    named = []
    for _ in range(rng.randint(1, 3)):
        sha = dev.upload(distinct(rng.choice(pool)))
        if sha is None:
            continue
        text = rng.choice(PROBLEMS).format(a=rng.randint(1, 9), b=rng.randint(2, 9))
        named.append(
            (
                "defect.create",
                {
                    "id": str(uuid.uuid4()),
                    "unit_id": rng.choice(world["units"]),
                    "type_id": rng.choice(world["types"]),
                    "room_id": rng.choice(world["rooms"]),
                    "pin_x": round(rng.random(), 4),
                    "pin_y": round(rng.random(), 4),
                    "description": f"{rng.choice(WORDS)}：{text}",
                    "photos": [{"sha256": sha, "kind": "before"}],
                },
            )
        )
    if named:
        results = dev.push(named)
        if results is not None:
            with dev.stats.lock:
                for (_, args), res in zip(named, results):
                    if res["status"] == "applied":
                        dev.stats.acked_defects.add(args["id"])
                        dev.stats.open_defects.append(args["id"])
    dev.pull()


def manager_round(dev: Device, world: dict[str, Any], pool: list[bytes]) -> None:
    dev.pull()
    with dev.stats.lock:
        take = dev.stats.open_defects[:5]
        del dev.stats.open_defects[:5]
    if not take:
        return
    picks = [(did, dev.rng.choice(world["contractors"])) for did in take]
    results = dev.push(
        [("defect.status", {"id": did, "action": "assign", "from": "open", "contractor_id": c}) for did, c in picks]
    )
    if results is not None:
        with dev.stats.lock:
            for (did, c), res in zip(picks, results):
                if res["status"] == "applied":
                    dev.stats.assigned.setdefault(c, []).append(did)


def crew_round(dev: Device, world: dict[str, Any], pool: list[bytes], contractor: int) -> None:
    dev.pull()
    with dev.stats.lock:
        mine = dev.stats.assigned.get(contractor) or []
        did = mine.pop(0) if mine else None
    if did is None:
        return
    sha = dev.upload(distinct(dev.rng.choice(pool)))
    if sha is None:
        return
    dev.push(
        [
            ("defect.photo_add", {"id": did, "sha256": sha, "kind": "after"}),
            ("defect.status", {"id": did, "action": "fix", "from": "assigned"}),
        ]
    )


def run_load(
    world: dict[str, Any], sync_base: str, photo_base: str, pool: list[bytes], inspectors: int, seconds: float
) -> Stats:
    """``inspectors`` inspector devices (plus the 20 crews and 10 managers) for ``seconds``."""
    stats = Stats()
    stop = time.time() + seconds
    rng = random.Random(inspectors)
    tokens = world["tokens"]
    plans = [("inspector", *tokens["inspector"][i % len(tokens["inspector"])]) for i in range(inspectors)]
    plans += [("manager", *t) for t in tokens["manager"]]
    plans += [("crew", *t) for t in tokens["crew"]]

    def drive(kind: str, token: str, contractor: int | None, offset: float, seed: int) -> None:
        dev = Device(sync_base, photo_base, token, stats, random.Random(seed))
        next_at = time.time() + offset
        while True:
            wait = next_at - time.time()
            if wait > 0:
                time.sleep(wait)
            if time.time() >= stop:
                return
            if kind == "inspector":
                inspector_round(dev, world, pool)
            elif kind == "manager":
                manager_round(dev, world, pool)
            else:
                crew_round(dev, world, pool, int(contractor or 0))
            next_at += CYCLE * dev.rng.uniform(0.8, 1.2)

    threads = []
    for n, (kind, token, contractor) in enumerate(plans):
        t = threading.Thread(target=drive, args=(kind, token, contractor, rng.uniform(0, CYCLE), n), daemon=True)
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    return stats


# ---- the server ----


class SlowStartServer(Server):
    """sync_bench's gunicorn, given three minutes to come up on a busy shared machine."""

    def __init__(self, url: str, workers: int, threads: int = 1):
        self.port = free_port()
        self.instance = tempfile.mkdtemp(prefix="bench-instance-")
        env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": self.instance, "PYTHONPATH": str(ROOT)}
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads)]
        cmd += ["-b", f"127.0.0.1:{self.port}", "--timeout", "120", "--log-level", "warning", "server.app:create_app()"]
        self.log = open(Path(self.instance) / "gunicorn.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=10).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError("gunicorn did not start")


class Pools:
    def __init__(self, url: str, layout: str, image_workers: int):
        self.procs: list[subprocess.Popen[bytes]] = []
        self.servers: list[Server] = []
        self.instance = tempfile.mkdtemp(prefix="day-bench-")
        os.environ["INSTANCE_PATH"] = self.instance  # the Server class reads the environment
        os.environ["MEDIA_ROOT"] = str(Path(self.instance) / "media")
        if layout == "single":
            self.sync = SlowStartServer(url, 4, 1)
            self.servers.append(self.sync)
            self.photos = self.sync
        else:
            self.sync = SlowStartServer(url, 3, 1)
            self.photos = SlowStartServer(url, 2, 4)
            self.servers += [self.sync, self.photos]
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        self.log = open(Path(self.instance) / "image-worker.log", "wb")  # noqa: SIM115
        for _ in range(image_workers):
            cmd = [sys.executable, "-m", "flask", "--app", "server.app", "photos", "work", "--nice", "10"]
            self.procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=self.log))

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
            p.wait(15)
        for s in self.servers:
            s.stop()
        self.log.close()


def cpu_busy() -> tuple[float, float]:
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


# ---- the audit ----


def audit(url: str, storage_root: str, stats: Stats, wait_s: float = 90.0) -> dict[str, Any]:
    """Everything acknowledged is in the database once and in storage; derivative times from the database."""
    from sqlalchemy import create_engine, func, inspect, select, text
    from sqlalchemy.orm import Session

    from domain.models import AppliedMutation, Defect, DefectPhoto, Photo
    from media.storage import photo_key

    engine = create_engine(url)
    has_jobs = "photo_jobs" in inspect(engine).get_table_names()
    deadline = time.time() + wait_s
    with Session(engine) as s:
        while has_jobs and time.time() < deadline:
            left = s.scalar(text("SELECT count(*) FROM photo_jobs WHERE state <> 'failed'"))
            s.rollback()
            if not left:
                break
            time.sleep(1)
        photos = {p.sha256: p for p in s.scalars(select(Photo).where(Photo.sha256.in_(list(stats.acked_photos))))}
        defects = set(
            str(d)
            for d in s.scalars(select(Defect.id).where(Defect.id.in_([uuid.UUID(x) for x in stats.acked_defects])))
        )
        n_defects = s.scalar(select(func.count()).select_from(Defect))
        ledger = {(m.device_id, m.seq): m.status for m in s.scalars(select(AppliedMutation))}
        refs = s.scalar(select(func.count()).select_from(DefectPhoto))
    engine.dispose()
    missing_rows = [sha for sha in stats.acked_photos if sha not in photos]
    missing_blobs, missing_derivs, ready = [], [], []
    for sha, ack in stats.acked_photos.items():
        if not os.path.exists(os.path.join(storage_root, photo_key(sha))):
            missing_blobs.append(sha)
        photo = photos.get(sha)
        display_alias = bool(getattr(photo, "display_is_clean", False))
        variants = ["thumb", "clean"] + ([] if display_alias else ["display"])
        if any(not os.path.exists(os.path.join(storage_root, photo_key(sha, v))) for v in variants):
            missing_derivs.append(sha)
        at = getattr(photo, "derivatives_at", None)
        ready.append(max(0.0, at.timestamp() - ack) if at is not None else 0.0)
    lost_mutations = [m for m in stats.acked_mutations if (m[0], m[1]) not in ledger]
    return {
        "defects_acked": len(stats.acked_defects),
        "defects_missing": len(stats.acked_defects - defects),
        "defects_in_db": n_defects,
        "mutations_acked": len(stats.acked_mutations),
        "mutations_missing": len(lost_mutations),
        "mutations_duplicated": len(stats.acked_mutations) - len({m[:2] for m in stats.acked_mutations}),
        "photos_acked": len(stats.acked_photos),
        "photo_rows_missing": len(missing_rows),
        "photo_blobs_missing": len(missing_blobs),
        "derivatives_missing": len(missing_derivs),
        "photo_refs": refs,
        "ready_p95": pct(ready, 95) if ready else 0.0,
    }


def summary(label: str, stats: Stats, seconds: float, busy: float) -> dict[str, float]:
    def p(values: list[float], q: float) -> float:
        return pct(values, q) * 1000 if values else float("nan")

    out = {
        "push_p50": p(stats.push, 50),
        "push_p99": p(stats.push, 99),
        "pull_p50": p(stats.pull, 50),
        "pull_p99": p(stats.pull, 99),
        "upload_p50": p(stats.upload, 50),
        "upload_p99": p(stats.upload, 99),
    }
    print(
        f"{label}: {len(stats.push)} pushes, {len(stats.pull)} pulls, {len(stats.upload)} photos in {seconds:.0f} s;"
        f" push p50/p99 {out['push_p50']:.0f}/{out['push_p99']:.0f} ms, pull p50/p99"
        f" {out['pull_p50']:.0f}/{out['pull_p99']:.0f} ms, upload ack p50/p99"
        f" {out['upload_p50']:.0f}/{out['upload_p99']:.0f} ms, CPU busy {busy:.0%}, errors {len(stats.errors)}",
        flush=True,
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--layout", choices=["split", "single"], default="split")
    ap.add_argument("--image-workers", type=int, default=None, help="default: 1 with --layout split, else 0")
    ap.add_argument("--devices", type=int, default=200, help="all devices (inspectors = devices − 30)")
    ap.add_argument("--seconds", type=float, default=120.0, help="length of the main run")
    ap.add_argument("--step-seconds", type=float, default=60.0, help="length of each capacity step")
    ap.add_argument("--max-devices", type=int, default=400)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    if args.quick:
        args.devices, args.seconds, args.step_seconds, args.max_devices = 60, 40.0, 0.0, 60
    image_workers = args.image_workers if args.image_workers is not None else (1 if args.layout == "split" else 0)
    inspectors = args.devices - 30
    print(f"layout {args.layout}, {image_workers} image worker(s); {args.devices} devices; making photos…", flush=True)
    pool = photo_pool(12)
    print(f"photo pool: {len(pool)} JPEGs 2048×1536, median {statistics.median(map(len, pool)) / 1000:.0f} KB")
    name = f"yanshou_day_{os.getpid()}"
    url = pg_database(name)
    world = setup(url, max(inspectors, args.max_devices - 30), 20, 10)
    pools = Pools(url, args.layout, image_workers)
    try:
        c0 = cpu_busy()
        t0 = time.time()
        stats = run_load(world, pools.sync.base, pools.photos.base, pool, inspectors, args.seconds)
        c1 = cpu_busy()
        main_figs = summary(f"{args.devices} devices", stats, time.time() - t0, (c1[0] - c0[0]) / (c1[1] - c0[1]))
        checked = audit(url, os.environ["MEDIA_ROOT"], stats)
        held: int | None = args.devices if main_figs["push_p99"] <= TARGET_MS else None
        if args.step_seconds > 0:
            step = 50
            n = args.devices + step if held else args.devices - step
            while 50 <= n <= args.max_devices:
                c0 = cpu_busy()
                t0 = time.time()
                st = run_load(world, pools.sync.base, pools.photos.base, pool, n - 30, args.step_seconds)
                c1 = cpu_busy()
                figs = summary(f"  step {n} devices", st, time.time() - t0, (c1[0] - c0[0]) / (c1[1] - c0[1]))
                ok = figs["push_p99"] <= TARGET_MS and not st.errors
                if ok and (held is None or n > held):
                    held = n
                if (ok and n < args.devices) or (not ok and n > args.devices):
                    break
                n += step if ok else -step
    finally:
        pools.stop()
        drop_pg(name)

    print(f"\n== delivery day, {args.devices} devices, layout {args.layout} ==")
    rows = [
        ("push p99 (client)", main_figs["push_p99"], 250, "ms"),
        ("pull p99 (client)", main_figs["pull_p99"], 250, "ms"),
        ("photo upload ack p99", main_figs["upload_p99"], 500, "ms"),
        ("derivatives ready p95", checked["ready_p95"] * 1000, 30_000, "ms"),
    ]
    for label, value, target, unit in rows:
        verdict = "ok" if value <= target else "MISSED"
        print(f"{label:24s}: {value:8.0f} {unit}  target ≤ {target} {unit}  ratio {value / target:.2f}  {verdict}")
    print(f"{'errors':24s}: {len(stats.errors)}" + (f"  e.g. {stats.errors[:3]}" if stats.errors else ""))
    lost = sum(
        checked[k] for k in ("defects_missing", "mutations_missing", "photo_rows_missing", "photo_blobs_missing")
    )
    print(
        f"{'audit':24s}: {checked['defects_acked']} defects, {checked['mutations_acked']} mutations,"
        f" {checked['photos_acked']} photos acknowledged; missing {lost}, duplicated"
        f" {checked['mutations_duplicated']}, derivatives missing {checked['derivatives_missing']}"
    )
    print(f"{'devices held':24s}: {held if held is not None else '< 50'} at push p99 ≤ 250 ms")


if __name__ == "__main__":
    main()
