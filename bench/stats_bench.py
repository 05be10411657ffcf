"""Statistics speed: GET /api/projects/<id>/stats for a project of 200,000 defects on PostgreSQL.

Loads a synthetic project (20 buildings × 100 units, 5 rounds, 49 defect types, 4 contractors, 200,000
defects in every status with deadlines, repeat repairs and satisfaction) into a fresh database with the
migrations applied, then times the endpoint through the Flask app (unfiltered, and filtered by building
and by contractor) and, as the baseline, one plain ``SELECT status, count(*) … GROUP BY status`` over the
same rows. Prints medians and the ratio to the baseline. Target: ≤ 300 ms.

    python bench/stats_bench.py            # 200,000 defects
    python bench/stats_bench.py --quick    # 5,000 defects (smoke test)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DB_NAME = "yanshou_stats_bench"

LOAD = """
INSERT INTO projects (id, code, name, city, created_at) VALUES (1, 'BENCH', '基准项目', '佛山', now());
INSERT INTO buildings (id, project_id, code, name, floors)
  SELECT b, 1, b::text, b || '栋', 25 FROM generate_series(1, 20) b;
INSERT INTO units (id, project_id, building_id, entrance, floor, number)
  SELECT u, 1, (u - 1) / 100 + 1, '1', ((u - 1) % 100) / 4 + 1, lpad((u % 1000)::text, 4, '0')
  FROM generate_series(1, 2000) u;
INSERT INTO contractors (id, name, trade, contact, phone)
  SELECT c, '承建商' || c, '土建', '', '' FROM generate_series(1, 4) c;
INSERT INTO defect_areas (id, code, name_zh, name_en, position) VALUES (1, 'all', '全部', 'All', 0);
INSERT INTO defect_types (id, area_id, code, name_zh, name_en, pinyin, default_severity, trade, category,
                          due_days, position)
  SELECT t, 1, 't' || t, '类型' || t, 'Type ' || t, '', 'B', '土建',
         CASE WHEN t % 7 = 0 THEN '物业维修' ELSE '工程质量' END, 15, t
  FROM generate_series(1, 49) t;
INSERT INTO inspections (id, project_id, kind, name, started_on, created_at)
  SELECT ('00000000-0000-0000-0000-00000000000' || i)::uuid, 1,
         (ARRAY['internal','group_joint','open_day','regional_joint','handover'])[i], '批次' || i,
         date '2026-08-01' + (i * 14), now()
  FROM generate_series(1, 5) i;
INSERT INTO unit_inspections (inspection_id, unit_id, status, items_done, items_total, updated_at)
  SELECT ('00000000-0000-0000-0000-00000000000' || i)::uuid, u, CASE WHEN u % 10 = 0 THEN 'partial' ELSE 'done' END,
         10, 10, now()
  FROM generate_series(1, 5) i, generate_series(1, 2000) u;
INSERT INTO defects (id, project_id, unit_id, type_id, severity, description, inspection_id, contractor_id,
                     status, due_date, repeat_count, satisfaction, created_at, updated_at, assigned_at,
                     closed_at, response_due_at, fix_due_at, accepted_at, escalation_level, field_clocks,
                     photo_list)
  SELECT gen_random_uuid(), 1, (n * 7919) % 2000 + 1, (n * 31) % 49 + 1, (ARRAY['A','B','C'])[n % 3 + 1],
         '墙面空鼓', ('00000000-0000-0000-0000-00000000000' || (n % 5 + 1))::uuid, n % 4 + 1,
         s.status, created::date + 15, CASE WHEN n % 13 = 0 THEN 1 ELSE 0 END,
         CASE WHEN s.status = 'visited' THEN n % 5 + 1 END,
         created, created, created + interval '2 hours',
         CASE WHEN s.status IN ('closed', 'visited') THEN created + ((n % 30) || ' days')::interval END,
         created + interval '26 hours', CASE WHEN n % 3 <> 0 THEN created + interval '15 days' END,
         created + ((n % 48) || ' hours')::interval, 0, '{}', '[]'
  FROM generate_series(1, :n) n,
       LATERAL (SELECT timestamptz '2026-08-01 02:00+00' + ((n % 120) || ' days')::interval AS created) c,
       LATERAL (SELECT (ARRAY['open','assigned','fixed','closed','closed','visited','void'])[n % 7 + 1] AS status) s;
ANALYZE;
"""


def fresh_database() -> str:
    admin = make_url(PG_ADMIN)
    with psycopg.connect(
        host=admin.host, port=admin.port or 5432, user=admin.username, dbname=admin.database, autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')  # type: ignore[arg-type]
    return admin.set(database=DB_NAME).render_as_string(hide_password=False)


def median_ms(fn: Any, runs: int) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    n = 5_000 if args.quick else 200_000

    url = fresh_database()
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade

    from domain.models import Membership, User
    from server.accounts.service import issue_token
    from server.app import create_app
    from server.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        t0 = time.perf_counter()
        with db.engine.begin() as conn:
            for statement in LOAD.split(";\n"):
                if statement.strip():
                    conn.execute(text(statement), {"n": n})
        print(f"loaded {n:,} defects in {time.perf_counter() - t0:.1f} s")
        manager = User(username="bench", display_name="经理", role="manager")
        db.session.add(manager)
        db.session.flush()
        db.session.add(Membership(user_id=manager.id, project_id=1))
        from datetime import timedelta

        token = issue_token(db.session, manager, timedelta(days=1), device="bench").token
        db.session.commit()

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def endpoint(query: str = "") -> Any:
        def call() -> None:
            res = client.get(f"/api/projects/1/stats{query}", headers=headers)
            assert res.status_code == 200, res.json

        return call

    engine = create_engine(url)

    def baseline() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT status, count(*) FROM defects WHERE project_id = 1 GROUP BY status")).all()

    base = median_ms(baseline, args.runs)
    print(f"baseline: one plain GROUP BY over the same {n:,} rows: {base:.1f} ms (median of {args.runs})")
    for label, query in (("all", ""), ("building 3", "?building_id=3"), ("contractor 2", "?contractor_id=2")):
        ms = median_ms(endpoint(query), args.runs)
        verdict = "OK" if ms <= 300 else "OVER TARGET"
        print(f"stats endpoint ({label}): {ms:.1f} ms median, target ≤ 300 ms [{verdict}]; {ms / base:.1f}× baseline")
    engine.dispose()


if __name__ == "__main__":
    main()
