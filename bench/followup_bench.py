"""Follow-up pass and notification delivery on PostgreSQL.

1. One follow-up pass (``domain.followup.job.run``) over a project of 200,000 defects of which 50,000 are
   open (dispatched), bulk-loaded with ``generate_series``. Target ≤ 2 s. Printed: the median of the first
   pass over the backlog (every overdue defect has levels to climb; a pass takes at most ``--batch``
   defects, ``job.BATCH`` by default; the levels are reset between repetitions), of the whole catch-up
   (passes until nothing is left, ``job.run_all``) and of a steady pass (nothing new), each with its
   ratio to the baseline: a plain ``SELECT count(*)`` of the overdue rows.
2. Webhook delivery to a receiver on 127.0.0.1: messages per second with one deliverer and with four
   (``FOR UPDATE SKIP LOCKED``), and the p99 from the event (the outbox row's ``created_at``) to its arrival.

    python bench/followup_bench.py [--defects 200000] [--open 50000] [--messages 2000] [--batch 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.followup import defaults, delivery, filters, job  # noqa: E402
from domain.models import Base, Defect, OutboxMessage, Webhook  # noqa: E402

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NAME = "yanshou_followup_bench"


def _admin(sql: str) -> None:
    u = make_url(ADMIN)
    with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database, autocommit=True) as c:
        c.execute(sql)  # type: ignore[arg-type]


def setup(n: int, n_open: int) -> Any:
    _admin(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{NAME}"')
    engine = create_engine(make_url(ADMIN).set(database=NAME))
    Base.metadata.create_all(engine)
    t = time.perf_counter()
    with engine.begin() as c:
        c.execute(text("INSERT INTO projects (id, code, name, city, created_at) VALUES (1, 'B', 'bench', '', now())"))
        c.execute(text("INSERT INTO buildings (id, project_id, code, name, floors) VALUES (1, 1, '1', '1栋', 30)"))
        c.execute(
            text(
                "INSERT INTO units (id, project_id, building_id, entrance, floor, number) "
                "SELECT g, 1, 1, '1', g / 100 + 1, lpad(g::text, 5, '0') FROM generate_series(1, 5000) g"
            )
        )
        c.execute(
            text("INSERT INTO defect_areas (id, code, name_zh, name_en, position) VALUES (1, 'a', '墙面', 'Wall', 0)")
        )
        c.execute(
            text(
                "INSERT INTO defect_types (id, area_id, code, name_zh, name_en, pinyin, default_severity, trade,"
                " category, due_days, position) VALUES"
                " (1, 1, 'kg', '空鼓', 'Hollow', 'kg', 'B', '土建', '工程质量', 7, 0),"
                " (2, 1, 'water.leak', '渗漏', 'Leak', 'sl', 'A', '防水', '工程质量', 2, 1)"
            )
        )
        c.execute(
            text(
                "INSERT INTO contractors (id, name, trade, contact, phone) VALUES (1, 'C1', '土建', '', ''),"
                " (2, 'C2', '防水', '', '')"
            )
        )
        c.execute(
            text(
                "INSERT INTO users (id, username, display_name, role, contractor_id, phone, active, scope_version,"
                " created_at) VALUES (1, 'crew1', 'crew1', 'crew', 1, '', true, 0, now()),"
                " (2, 'crew2', 'crew2', 'crew', 2, '', true, 0, now()),"
                " (3, 'pm', 'pm', 'manager', NULL, '', true, 0, now()),"
                " (4, 'boss', 'boss', 'admin', NULL, '', true, 0, now())"
            )
        )
        c.execute(text("INSERT INTO memberships (user_id, project_id) VALUES (3, 1)"))
        # Every (n / n_open)-th defect is dispatched; its deadlines are spread over the last and next 20 days.
        step = n // n_open
        c.execute(
            text(f"""
            INSERT INTO defects (id, project_id, unit_id, type_id, severity, description, status, repeat_count,
                created_at, updated_at, assigned_at, response_due_at, fix_due_at, accepted_at, contractor_id,
                escalation_level, field_clocks, photo_list)
            SELECT gen_random_uuid(), 1, g % 5000 + 1, 1 + (g % 10 = 0)::int, CASE WHEN g % 7 = 0 THEN 'A' ELSE 'B' END,
                '', CASE WHEN g % {step} = 0 THEN 'assigned' ELSE 'closed' END, 0,
                now() - interval '40 days', now() - interval '40 days', now() - interval '30 days',
                now() - (g % 480) * interval '1 hour' + interval '5 days',
                now() - (g % 480) * interval '1 hour' + interval '10 days',
                CASE WHEN g % 3 = 0 THEN NULL ELSE now() - interval '29 days' END, 1 + (g % 10 = 0)::int,
                0, '{{}}', '[]'
            FROM generate_series(1, {n}) g""")
        )
        c.execute(text("ANALYZE"))
    with Session(engine) as s:
        defaults.ensure_project(s, 1)
        s.commit()
    print(f"setup: {n:,} defects, {n_open:,} open, loaded in {time.perf_counter() - t:.1f} s")
    return engine


def _reset(engine: Any) -> None:
    with engine.begin() as c:
        c.execute(text("TRUNCATE escalations, inbox_messages, outbox, sync_changes"))
        c.execute(text("UPDATE defects SET escalation_level = 0 WHERE escalation_level > 0"))


def bench_pass(engine: Any, now: datetime, repeat: int, batch: int) -> None:
    with Session(engine) as s:
        overdue = select(func.count()).select_from(Defect).where(filters.overdue(now))
        base = []
        for _ in range(repeat):
            t = time.perf_counter()
            count = s.scalar(overdue)
            base.append(time.perf_counter() - t)
    baseline = statistics.median(base)
    first, catch_up, steady = [], [], []
    escalated = total = passes = 0
    for _ in range(repeat):
        _reset(engine)
        with Session(engine) as s:
            t = time.perf_counter()
            escalated = job.run(s, now, batch).escalations
            first.append(time.perf_counter() - t)
        _reset(engine)
        with Session(engine) as s:
            t = time.perf_counter()
            report = job.run_all(s, now, batch)
            catch_up.append(time.perf_counter() - t)
            total, passes = report.escalations, report.passes
        with Session(engine) as s:
            t = time.perf_counter()
            job.run(s, now, batch)
            steady.append(time.perf_counter() - t)
    f, c, st = statistics.median(first), statistics.median(catch_up), statistics.median(steady)
    print(f"baseline SELECT count(*) of overdue rows: {count:,} rows, median {baseline * 1000:.1f} ms")
    print(
        f"first pass of a backlog ({escalated:,} escalations, at most {batch:,} defects): median {f:.2f} s, "
        f"ratio {f / baseline:.1f}x; target <= 2 s {'MET' if f <= 2 else 'MISSED'}"
    )
    print(
        f"whole catch-up ({total:,} escalations in {passes} passes, each committed): median {c:.2f} s, "
        f"ratio {c / baseline:.1f}x"
    )
    print(f"steady pass (nothing new): median {st * 1000:.0f} ms, ratio {st / baseline:.1f}x")


class _Receiver:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.arrived.setdefault(self.headers["Idempotency-Key"], time.time())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *a: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"


def bench_delivery(engine: Any, messages: int) -> None:
    receiver = _Receiver()
    for workers in (1, 4):
        _reset(engine)
        with Session(engine) as s:
            s.execute(text("DELETE FROM webhooks"))
            hook = Webhook(project_id=1, url=receiver.url, secret="bench-secret-0123456789", format="json", kinds="")
            s.add(hook)
            s.flush()
            now = datetime.now(UTC)
            s.add_all(
                OutboxMessage(
                    key=f"m{workers}:{i}",
                    channel="webhook",
                    target=str(hook.id),
                    kind="overdue",
                    project_id=1,
                    payload={"kind": "overdue", "title": "bench"},
                    created_at=now,
                    next_attempt_at=now,
                )
                for i in range(messages)
            )
            s.commit()
        t = time.perf_counter()

        def work() -> None:
            with Session(engine) as s:
                delivery.deliver_all(s, datetime.now(UTC) + timedelta(seconds=1), delivery.Settings(batch=50))

        threads = [threading.Thread(target=work) for _ in range(workers)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - t
        with Session(engine) as s:
            rows = s.execute(select(OutboxMessage.key, OutboxMessage.created_at)).all()
        lat = sorted(receiver.arrived[k] - c.timestamp() for k, c in rows if k in receiver.arrived)
        sent = sum(1 for k, _ in rows if k in receiver.arrived)
        p99 = lat[int(len(lat) * 0.99) - 1] if lat else float("nan")
        print(
            f"webhook delivery, {workers} deliverer(s): {sent:,}/{messages:,} messages, {sent / elapsed:,.0f} msg/s, "
            f"p99 event->delivery {p99 * 1000:.0f} ms (p50 {statistics.median(lat) * 1000:.0f} ms)"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--defects", type=int, default=200_000)
    ap.add_argument("--open", type=int, default=50_000)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch", type=int, default=job.BATCH, help="defects escalated per pass")
    args = ap.parse_args()
    engine = setup(args.defects, args.open)
    bench_pass(engine, datetime.now(UTC), args.repeat, args.batch)
    bench_delivery(engine, args.messages)
    engine.dispose()
    _admin(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
