"""A real server process for the browser tests: fresh database in INSTANCE_PATH, demo loaded,
a second small project the inspector is a member of (so a test can take it away), then serve.

Usage: INSTANCE_PATH=/tmp/x python -m tests.e2e.serve PORT   (prints READY when it accepts requests)
With E2E_BIG_PROJECT=N it also holds a project of N defects (tests/e2e/bulk.py), the inspector a member.
"""

from __future__ import annotations

import os
import sys

from werkzeug.serving import make_server

from domain.models import Building, Membership, PlanType, Project, Room, Unit, User
from server.app import create_app
from server.demo.data import load_demo
from server.extensions import db


def second_project() -> None:
    """项目二: one building, one 户型, two units; the inspector is a member. Once: a restarted server keeps it."""
    if db.session.query(Project).filter_by(code="E2E-TWO").first() is not None:
        return
    project = Project(code="E2E-TWO", name="第二项目（测试）", city="广州")
    db.session.add(project)
    db.session.flush()
    plan = PlanType(project_id=project.id, code="S", name="S户型 一室一厅", area_m2=45.0)
    plan.rooms = [
        Room(code="living", name="客厅", position=0, x0=0, y0=0.4, x1=1, y1=1),
        Room(code="bed", name="卧室", position=1, x0=0, y0=0, x1=1, y1=0.4),
    ]
    building = Building(project_id=project.id, code="9", name="9栋", floors=1)
    db.session.add_all([plan, building])
    db.session.flush()
    for n in ("0101", "0102"):
        db.session.add(
            Unit(project_id=project.id, building_id=building.id, entrance="1", floor=1, number=n, plan_type_id=plan.id)
        )
    inspector = db.session.query(User).filter_by(username="inspector").one()
    db.session.add(Membership(user_id=inspector.id, project_id=project.id))


def main() -> None:
    port = int(sys.argv[1])
    app = create_app()
    with app.app_context():
        db.create_all()
        load_demo(db.session)
        second_project()
        if os.environ.get("E2E_BIG_PROJECT"):
            from .bulk import big_project

            big_project(int(os.environ["E2E_BIG_PROJECT"]))
        db.session.commit()
    server = make_server("127.0.0.1", port, app, threaded=True)
    print("READY", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
