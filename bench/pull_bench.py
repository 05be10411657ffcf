"""Pull at any project size: server time per 1,000 pulled entries at 10k, 100k and 500k defects (PostgreSQL).

One project grows in one database, 10,000 → 100,000 → 500,000 defects (loaded in SQL, as a feed of one
create row per defect, ~10 % with a comment, ~19 % with a conflict of which a tenth are still open, two
photos each). At each size, after the load, 3,000 defects of the project are dispatched to a contractor
(one feed row each, with a comment on every tenth), and the bench times, in the server process:

* snapshot pages (a first pull, ``limit`` 1,000) at the start, middle and end of the download, for an
  inspector (project scope) and a crew (contractor scope);
* delta pages over the 3,000 dispatches, from the cursor before them, for the same two users;

each page being ``sync.pull.pull`` + ``orjson.dumps`` + gzip level 1, as the view does. It prints the median
time per 1,000 entries at each size and the ratio of the largest size to the smallest (target ≤ 1.20,
"within 20 %"). With ``--explain`` it prints the EXPLAIN ANALYZE plan of each page statement at each size.

Then, at 50,000 defects, a full pull through gunicorn (2 workers) with a client that inflates and parses
like a browser (ISA-L inflate, orjson), 1,000 and 5,000 entries a page (target ≤ 2.5 s), and a delta pull
of the 3,000 dispatches (target ≤ 60 ms per 1,000 entries), with the bytes on the wire per 10,000 defects
(target ≤ 1.59 MB).

    python bench/pull_bench.py              # 10k, 100k, 500k; then the 50k gunicorn run (a few minutes)
    python bench/pull_bench.py --sizes 10000,50000 --no-http --explain
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import orjson
from isal import igzip

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sync_bench import Server, drop_pg, pg_database, server_pids, setup_database  # noqa: E402

DISPATCHES = 3000
FLAT = 1.20
FULL_TARGET_S = 2.5
DELTA_TARGET_MS = 60.0
BYTES_TARGET_MB = 1.59


def load(url: str, world: dict[str, Any], add: int) -> None:
    """Append ``add`` defects to the project, with their feed rows, comments and conflicts, in SQL."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    units = world["units"]
    with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database) as conn:
        top = conn.execute("SELECT coalesce(max(value), 0) FROM sync_counters WHERE name = 'feed'").fetchone()[0]
        conn.execute(
            """
            CREATE TEMP TABLE new_defects ON COMMIT DROP AS
            SELECT gen_random_uuid() AS id, g AS n FROM generate_series(1, %(add)s) g
            """,
            {"add": add},
        )
        conn.execute(
            """
            INSERT INTO defects (id, project_id, unit_id, room_id, pin_x, pin_y, type_id, severity, description,
                reporter_id, inspection_id, contractor_id, status, due_date, repeat_count, satisfaction,
                created_at, updated_at, field_clocks, photo_list, escalation_level)
            SELECT d.id, %(project)s, (%(units)s::int[])[1 + d.n %% cardinality(%(units)s::int[])],
                (%(rooms)s::int[])[1 + d.n %% cardinality(%(rooms)s::int[])], random(), random(),
                (%(types)s::int[])[1 + d.n %% cardinality(%(types)s::int[])], 'B',
                '墙面空鼓，敲击有空鼓声，面积约' || (d.n %% 90 + 10) || '×30cm，需返工', %(reporter)s, NULL, NULL,
                'open', NULL, 0, NULL, now() - interval '3 days', now() - interval '3 days', '{}',
                '[{"sha256":"' || md5(d.id::text) || md5(d.n::text) || '","kind":"before"},'
                || '{"sha256":"' || md5(d.n::text) || md5(d.id::text) || '","kind":"before"}]', 0
            FROM new_defects d
            """,
            {
                "project": world["project"],
                "units": units,
                "rooms": world["rooms"],
                "types": world["types"],
                "reporter": world["reporter"],
            },
        )
        conn.execute(
            """
            INSERT INTO defect_comments (id, defect_id, author_id, body, created_at)
            SELECT gen_random_uuid(), d.id, %(reporter)s, '请尽快安排维修，业主下周交房', now() - interval '2 days'
            FROM new_defects d WHERE d.n %% 10 = 3
            """,
            {"reporter": world["reporter"]},
        )
        conn.execute(
            """
            INSERT INTO sync_conflicts (defect_id, kind, message, ours, theirs, status, device_id, user_id,
                created_at, resolved_at, resolution, note)
            SELECT d.id, 'stale', '状态已被他人修改 / The status was changed by someone else',
                '{"status": "assigned"}', '{"action": "fix", "from": "open"}',
                CASE WHEN d.n %% 50 = 0 THEN 'open' ELSE 'resolved' END, 'bench-device', %(reporter)s,
                now() - interval '2 days', CASE WHEN d.n %% 50 = 0 THEN NULL ELSE now() - interval '1 day' END,
                CASE WHEN d.n %% 50 = 0 THEN NULL ELSE 'superseded' END, ''
            FROM new_defects d WHERE d.n %% 100 < 19
            """,
            {"reporter": world["reporter"]},
        )
        conn.execute(
            """
            INSERT INTO sync_changes (seq, kind, entity_id, defect_id, project_id, unit_id, contractor_id,
                reporter_id, inspection_id, at)
            SELECT %(top)s + d.n, 'defect', d.id::text, d.id, df.project_id, df.unit_id, NULL, df.reporter_id,
                NULL, df.created_at
            FROM new_defects d JOIN defects df ON df.id = d.id
            """,
            {"top": top},
        )
        conn.execute(
            "INSERT INTO sync_counters (name, value) VALUES ('feed', %(v)s)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            {"v": top + add},
        )
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load


def dispatch(url: str, world: dict[str, Any], count: int) -> str:
    """Dispatch ``count`` open defects to the crew's contractor, one feed row each (before-keys: no
    contractor), a comment on every tenth; returns the cursor from before them."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database) as conn:
        top = conn.execute("SELECT value FROM sync_counters WHERE name = 'feed'").fetchone()[0]
        version = conn.execute(
            "SELECT scope_version FROM users WHERE id = %(u)s", {"u": world["inspector"]}
        ).fetchone()[0]
        crew_version = conn.execute(
            "SELECT scope_version FROM users WHERE id = %(u)s", {"u": world["crew"]}
        ).fetchone()[0]
        conn.execute(
            """
            CREATE TEMP TABLE picked ON COMMIT DROP AS
            SELECT id, row_number() OVER () AS n FROM (
                SELECT id FROM defects WHERE project_id = %(p)s AND status = 'open' ORDER BY random() LIMIT %(c)s
            ) x
            """,
            {"p": world["project"], "c": count},
        )
        conn.execute(
            """
            UPDATE defects SET status = 'assigned', contractor_id = %(k)s, assigned_at = now(), updated_at = now()
            WHERE id IN (SELECT id FROM picked)
            """,
            {"k": world["contractor"]},
        )
        conn.execute(
            """
            CREATE TEMP TABLE new_comments ON COMMIT DROP AS
            SELECT gen_random_uuid() AS id, p.id AS defect_id, p.n FROM picked p WHERE p.n % 10 = 0
            """
        )
        conn.execute(
            """
            INSERT INTO defect_comments (id, defect_id, author_id, body, created_at)
            SELECT id, defect_id, %(r)s, '已分派给施工单位，请按时整改', now() FROM new_comments
            """,
            {"r": world["reporter"]},
        )
        conn.execute(
            """
            INSERT INTO sync_changes (seq, kind, entity_id, defect_id, project_id, unit_id, contractor_id,
                reporter_id, inspection_id, at)
            SELECT %(top)s + 2 * p.n - 1, 'defect', d.id::text, d.id, d.project_id, d.unit_id, NULL, d.reporter_id,
                NULL::uuid, now()
            FROM picked p JOIN defects d ON d.id = p.id
            UNION ALL
            SELECT %(top)s + 2 * c.n, 'comment', c.id::text, d.id, d.project_id, d.unit_id, d.contractor_id,
                d.reporter_id, NULL::uuid, now()
            FROM new_comments c JOIN defects d ON d.id = c.defect_id
            """,
            {"top": top},
        )
        last = conn.execute("SELECT max(seq) FROM sync_changes").fetchone()[0]
        conn.execute("UPDATE sync_counters SET value = %(v)s WHERE name = 'feed'", {"v": last})
        conn.commit()
    world["delta_cursor"] = {"inspector": f"c2.{top}.{version}", "crew": f"c2.{top}.{crew_version}"}
    return f"c2.{top}.{version}"


def _run_ns(pid: int) -> int:
    """Nanoseconds process ``pid`` has run on a CPU (Linux schedstat); 0 for one that has gone."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except OSError:
        return 0


def time_page(factory: Any, user_id: int, cursor: str, project: int | None) -> tuple[float, float, dict[str, Any]]:
    """One page as the view builds it (pull, orjson, gzip level 1): (wall seconds, CPU seconds of this
    thread plus the PostgreSQL backend that served it, the page). CPU time is what the figures use: the
    2 cores here are shared, and wall time under other load says more about the load than the page."""
    from sqlalchemy import text

    from domain.models import User
    from sync.pull import pull

    with factory() as s:
        backend = int(s.scalar(text("SELECT pg_backend_pid()")))
        user = s.get(User, user_id)
        s.rollback()
        gc.disable()
        try:
            db0, py0, t0 = _run_ns(backend), time.thread_time_ns(), time.perf_counter()
            page = pull(s, user, cursor, project, 1000)
            igzip.compress(orjson.dumps(page), 1)
            s.rollback()
            wall = time.perf_counter() - t0
            cpu = (time.thread_time_ns() - py0 + _run_ns(backend) - db0) / 1e9
        finally:
            gc.enable()
    return wall, cpu, page


def snapshot_cursors(factory: Any, user_id: int, project: int | None) -> list[str]:
    """Cursors of the first, middle and last snapshot pages of ``user``'s download."""
    from sqlalchemy import func, select

    from domain import policy
    from domain.models import Defect, User
    from sync.feed import Cursor, feed_position

    with factory() as s:
        user = s.get(User, user_id)
        where = [policy.defect_filter(user)]
        if project is not None:
            where.append(Defect.project_id == project)
        total = s.scalar(select(func.count()).select_from(Defect).where(*where)) or 0
        seq = feed_position(s)
        cursors = []
        for at in (0, total // 2, max(0, total - 1000)):
            after = (
                s.scalar(select(Defect.id).where(*where).order_by(Defect.id).offset(at - 1).limit(1)) if at else None
            )
            cursors.append(Cursor(seq, user.scope_version, True, after).encode())
        return cursors


USERS = (("inspector", True), ("crew", False))


def measure_round(factory: Any, world: dict[str, Any], out: dict[str, list[float]]) -> None:
    """One page of each kind at each position, for each user; adds ms per 1,000 entries to ``out``
    (CPU under the page's name, wall time under "<name> wall")."""
    for who, by_project in USERS:
        uid, project = world[who], (world["project"] if by_project else None)
        for cursor in world.setdefault(f"snap {who}", snapshot_cursors(factory, uid, project)):
            wall, cpu, page = time_page(factory, uid, cursor, project)
            n = max(len(page["changes"]), 1)
            out.setdefault(f"snapshot {who}", []).append(cpu / n * 1e6)
            out.setdefault(f"snapshot {who} wall", []).append(wall / n * 1e6)
        cursor = world["delta_cursor"][who]
        while True:
            wall, cpu, page = time_page(factory, uid, cursor, project)
            n = max(len(page["changes"]), 1)
            out.setdefault(f"delta {who}", []).append(cpu / n * 1e6)
            out.setdefault(f"delta {who} wall", []).append(wall / n * 1e6)
            cursor = page["cursor"]
            if not page["more"]:
                break


def explain_pages(engine: Any, user_id: int, snap_cursor: str, delta_cursor: str, project: int | None) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement a snapshot page and a delta page run."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from domain.models import User
    from sync.pull import pull

    statements: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "sync_counters" not in statement:
            statements.append((statement, parameters))

    for label, cursor in (("snapshot page", snap_cursor), ("delta page", delta_cursor)):
        statements.clear()
        event.listen(engine, "before_cursor_execute", grab)
        with Session(engine) as s:
            pull(s, s.get(User, user_id), cursor, project, 1000)
            s.rollback()
        event.remove(engine, "before_cursor_execute", grab)
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            with raw.cursor() as cur:
                cur.execute("SET jit = off")
                for sql, params in statements:
                    if "scope_version" in sql and "FROM users" in sql:
                        continue
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
                    plan = "\n".join(r[0] for r in cur.fetchall() if not r[0].lstrip().startswith("Planning:"))
                    plan = re.sub(r"'\{[^}]{120,}\}'", "'{…ids of the page…}'", plan)
                    print(f"--- {label}: {' '.join(sql.split())[:140]}…\n{plan}\n")
            conn.rollback()


def http_pulls(url: str, world: dict[str, Any]) -> dict[str, float]:
    """Full pull and delta through gunicorn, decoded as a browser would."""
    import requests

    server = Server(url, 2)
    try:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {world['token']}"
        http.headers["Accept-Encoding"] = "gzip"

        workers, backends = server_pids(server, url)
        everyone = workers + backends

        def pull_all(cursor: str, limit: int) -> tuple[int, int, float, float]:
            """(entries, bytes on the wire, wall seconds, CPU seconds of server, database and client)"""
            n = wire = 0
            cpu0 = sum(_run_ns(p) for p in everyone) + time.thread_time_ns()
            t0 = time.perf_counter()
            while True:
                r = http.get(
                    server.base + "/api/sync/pull",
                    params={"cursor": cursor, "limit": limit, "project_id": world["project"]},
                    stream=True,
                )
                raw = r.raw.read()
                gc.disable()  # as the server does: a browser's JSON.parse has no collector walking the heap
                try:
                    body = orjson.loads(igzip.decompress(raw) if r.headers.get("Content-Encoding") == "gzip" else raw)
                finally:
                    gc.enable()
                wire += len(raw)
                n += len(body["changes"])
                cursor = body["cursor"]
                if not body["more"]:
                    wall = time.perf_counter() - t0
                    cpu = (sum(_run_ns(p) for p in everyone) + time.thread_time_ns() - cpu0) / 1e9
                    return n, wire, wall, cpu

        pull_all("", 5000)  # warm both workers and open their connections
        pull_all("", 5000)
        workers, backends = server_pids(server, url)
        everyone[:] = workers + backends
        out: dict[str, float] = {}
        for limit in (1000, 5000):
            runs = [pull_all("", limit) for _ in range(3)]
            out[f"full {limit}"] = statistics.median(r[2] for r in runs)
            out[f"full {limit} cpu"] = statistics.median(r[3] for r in runs)
            out[f"full {limit} n"] = runs[0][0]
            out[f"full {limit} MB/10k"] = runs[0][1] / 1e6 / (world["size"] / 10000)
        runs = [pull_all(world["delta_cursor"]["inspector"], 1000) for _ in range(5)]
        out["delta ms/1k"] = statistics.median(r[2] / r[0] * 1e6 for r in runs)
        out["delta cpu ms/1k"] = statistics.median(r[3] / r[0] * 1e6 for r in runs)
        out["delta n"] = runs[0][0]
        return out
    finally:
        server.stop()


def make_world(url: str) -> dict[str, Any]:
    from datetime import timedelta

    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from domain.models import Contractor, Project, User
    from server.accounts.service import issue_token

    world = setup_database(url, 1)
    engine = create_engine(url)
    with Session(engine) as s:
        project = s.scalar(select(Project).where(Project.code == "BENCH"))
        assert project is not None
        inspector = s.scalar(select(User).where(User.username == "bench0"))
        assert inspector is not None
        contractor = s.scalar(select(Contractor).order_by(Contractor.id))
        assert contractor is not None
        crew = User(username="bench-crew", display_name="施工员", role="crew", contractor_id=contractor.id)
        s.add(crew)
        s.flush()
        world.update(
            project=project.id,
            inspector=inspector.id,
            reporter=inspector.id,
            crew=crew.id,
            contractor=contractor.id,
            token=issue_token(s, inspector, timedelta(days=1), device="bench").token,
            size=0,
        )
        s.commit()
    engine.dispose()
    return world


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,500000")
    ap.add_argument("--http-size", type=int, default=50000, help="project size of the gunicorn run (0: none)")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's statements")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the databases (yanshou_pull_bench_<size>)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    name = "yanshou_pull_bench" if args.keep else f"yanshou_pull_bench_{os.getpid()}"
    results: dict[int, dict[str, list[float]]] = {size: {} for size in sizes}
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    try:
        # One database per size, each with one project of that many defects; the sizes are measured in
        # turn, round after round, so that other load on the machine falls on all of them alike.
        dbs = []
        for size in sizes:
            t0 = time.perf_counter()
            url = pg_database(f"{name}_{size}")
            world = make_world(url)
            load(url, world, size)
            world["size"] = size
            dispatch(url, world, DISPATCHES)
            print(f"-- {size:,} defects loaded in {time.perf_counter() - t0:.1f} s", flush=True)
            engine = create_engine(url)
            dbs.append((size, engine, sessionmaker(engine), world))
        for _ in range(args.rounds):
            for size, _engine, factory, world in dbs:
                measure_round(factory, world, results[size])
        if args.explain:
            for size, engine, _factory, world in (dbs[0], dbs[-1]):
                print(f"\n==== {size:,} defects ====")
                for who, by_project in USERS:
                    uid, project = world[who], (world["project"] if by_project else None)
                    print(f"\n== {who} ==")
                    explain_pages(engine, uid, world[f"snap {who}"][1], world["delta_cursor"][who], project)
        for _size, engine, _factory, _world in dbs:
            engine.dispose()
        print(
            f"\nserver time per 1,000 pulled entries, PostgreSQL, limit 1,000 (median of {args.rounds} rounds;"
            " CPU of the app thread + its PostgreSQL backend; wall time alongside, for information)"
        )
        print(f"{'page':<25}" + "".join(f"{s:>12,}" for s in sizes) + "   max/min  target ≤ 1.20")
        for key in sorted(results[sizes[0]], key=lambda k: (k.endswith("wall"), k)):
            row = [statistics.median(results[s][key]) for s in sizes]
            ratio = max(row) / min(row)
            verdict = "" if key.endswith("wall") else ("ok" if ratio <= FLAT else "OVER")
            print(f"{key:<25}" + "".join(f"{v:>9.1f} ms" for v in row) + f"   {ratio:7.2f}  {verdict}")
        for size in sizes:
            if not args.keep:
                drop_pg(f"{name}_{size}")
        if not args.no_http and args.http_size:
            drop_pg(name)
            url = pg_database(name)
            world = make_world(url)
            load(url, world, args.http_size)
            world["size"] = args.http_size
            dispatch(url, world, DISPATCHES)
            h = http_pulls(url, world)
            print(
                f"\nthrough gunicorn (2 workers), {args.http_size:,} defects, the client inflating with ISA-L and"
                " parsing with orjson (wall time; CPU = gunicorn workers + PostgreSQL backends + client, i.e. the"
                " wall time on an otherwise idle machine)"
            )
            for limit in (1000, 5000):
                wall, cpu, mb = h[f"full {limit}"], h[f"full {limit} cpu"], h[f"full {limit} MB/10k"]
                print(
                    f"full pull, {limit:>5} a page: {int(h[f'full {limit} n']):,} entries, wall {wall:.2f} s,"
                    f" CPU {cpu:.2f} s (medians of 3)  target ≤ {FULL_TARGET_S} s  ratio {cpu / FULL_TARGET_S:.2f};"
                    f"  {mb:.2f} MB per 10k defects  target ≤ {BYTES_TARGET_MB}  ratio {mb / BYTES_TARGET_MB:.2f}"
                )
            d, dc = h["delta ms/1k"], h["delta cpu ms/1k"]
            print(
                f"delta pull, 1000 a page: {int(h['delta n']):,} entries, wall {d:.1f} ms, CPU {dc:.1f} ms per 1,000"
                f" (medians of 5)  target ≤ {DELTA_TARGET_MS:g} ms  ratio {dc / DELTA_TARGET_MS:.2f}"
            )
    finally:
        if not args.keep:
            for size in sizes:
                drop_pg(f"{name}_{size}")
            drop_pg(name)


if __name__ == "__main__":
    _ = uuid  # ids are made by PostgreSQL
    main()
