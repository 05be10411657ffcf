"""Export speed and memory: the 整改通知单 of one contractor with 5,000 defects, each with a photo
thumbnail, as XLSX (and the same defects as CSV), through the Flask app on SQLite with local storage.

Prints wall time and peak memory (Python heap via tracemalloc, and the process's peak RSS growth), for
1,000 and for 5,000 defects, so that memory staying flat while rows grow shows the export streams. The
baseline is writing the same rows to CSV (no photos). Target: 5,000 defects with thumbnails ≤ 10 s.

    python bench/report_bench.py
    python bench/report_bench.py --quick     # 200 and 500 defects (smoke test)
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load(n: int) -> tuple[Any, dict[str, str], int]:
    from domain.models import (
        Base,
        Building,
        Contractor,
        Defect,
        DefectArea,
        DefectPhoto,
        DefectType,
        Membership,
        Project,
        Unit,
        User,
    )
    from media.storage import photo_key
    from server.accounts.service import issue_token
    from server.app import create_app
    from server.extensions import db
    from server.photos import media

    tmp = tempfile.mkdtemp(prefix="report-bench-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "MEDIA_ROOT": f"{tmp}/media"})
    with app.app_context():
        Base.metadata.create_all(db.engine)
        s = db.session
        project = Project(code="B", name="基准项目")
        s.add(project)
        s.flush()
        building = Building(project_id=project.id, code="1", name="1栋", floors=30)
        area = DefectArea(code="a", name_zh="墙面", name_en="Walls")
        contractor = Contractor(name="基准土建", trade="土建")
        s.add_all([building, area, contractor])
        s.flush()
        dtype = DefectType(area_id=area.id, code="t", name_zh="空鼓", name_en="Hollow", trade="土建")
        s.add(dtype)
        units = [
            Unit(project_id=project.id, building_id=building.id, floor=f // 8 + 1, number=f"{f:04d}")
            for f in range(240)
        ]
        s.add_all(units)
        s.flush()
        storage = media().storage
        base = datetime(2026, 11, 1, tzinfo=UTC)
        for i in range(n):
            jpeg = io.BytesIO()
            Image.new("RGB", (320, 240), (i % 256, (i * 7) % 256, 90)).save(jpeg, "JPEG", quality=78)
            sha = uuid.uuid4().hex + uuid.uuid4().hex
            storage.put_bytes(photo_key(sha, "thumb"), jpeg.getvalue(), "image/jpeg")
            d = Defect(
                id=uuid.uuid4(),
                project_id=project.id,
                unit_id=units[i % len(units)].id,
                type_id=dtype.id,
                severity="B",
                description=f"墙面空鼓，面积约{i % 9 + 1}0×40cm，请按期整改",
                status="assigned",
                contractor_id=contractor.id,
                created_at=base,
                fix_due_at=base + timedelta(days=15),
                field_clocks={},
            )
            s.add(d)
            s.add(DefectPhoto(defect_id=d.id, sha256=sha, kind="before"))
            if i % 500 == 499:
                s.flush()
        manager = User(username="m", display_name="经理", role="manager")
        s.add(manager)
        s.flush()
        s.add(Membership(user_id=manager.id, project_id=project.id))
        token = issue_token(s, manager, timedelta(days=1), device="bench").token
        s.commit()
        return app, {"Authorization": f"Bearer {token}"}, contractor.id


def measure(app: Any, headers: dict[str, str], path: str) -> tuple[float, float, float, int]:
    """Wall time and peak RSS growth of one run; the Python heap's peak from a second, traced run (tracing
    slows everything down, so it is not timed)."""
    client = app.test_client()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    res = client.get(path, headers=headers, buffered=False)
    size = sum(len(chunk) for chunk in res.response)
    elapsed = time.perf_counter() - t0
    assert res.status_code == 200, res.status_code
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss0
    tracemalloc.start()
    res = client.get(path, headers=headers, buffered=False)
    sum(len(chunk) for chunk in res.response)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20, rss, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    sizes = (200, 500) if args.quick else (1_000, 5_000)
    for n in sizes:
        app, headers, contractor_id = load(n)
        with app.app_context():
            csv_t, csv_heap, _, csv_size = measure(app, headers, "/api/defects/export?format=csv&project_id=1")
            t, heap, rss, size = measure(app, headers, f"/api/projects/1/notices?contractor_id={contractor_id}")
        verdict = "OK" if n < 5_000 or t <= 10 else "OVER TARGET"
        print(
            f"{n:,} defects with thumbnails → XLSX notice: {t:.2f} s, {size / 2**20:.1f} MB file, "
            f"peak Python heap {heap:.1f} MB, peak RSS growth {rss:.0f} MB [{verdict if n == 5_000 else 'info'}]"
        )
        print(
            f"    baseline CSV of the same rows (no photos): {csv_t:.2f} s, {csv_size / 2**20:.1f} MB, "
            f"peak heap {csv_heap:.1f} MB; ratio {t / csv_t:.1f}×"
        )


if __name__ == "__main__":
    main()
