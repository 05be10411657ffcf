"""One contract for every database backend of the sync engine (sync/dialects): what goes in comes back
the same, and ``one_of`` matches exactly the values given, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select

from domain.models import AppliedMutation, DefectHistory, Device
from server.extensions import db
from sync import dialects
from sync.bulk import insert_rows, one_of
from tests import factories as f


def test_the_backend_is_the_sessions(app, database_url):
    assert dialects.of(db.session()).name == database_url.split(":")[0].split("+")[0]


def test_insert_rows_round_trips_every_kind_of_value(app):
    user = f.UserFactory()
    db.session.flush()
    db.session.add(Device(id="dev-1", user_id=user.id, last_seq=0))
    db.session.flush()
    east8 = timezone(timedelta(hours=8))
    at = datetime(2026, 12, 1, 9, 30, tzinfo=east8)
    ids = [uuid.uuid4() for _ in range(3)]
    rows = [
        {
            "device_id": "dev-1",
            "seq": 2**40 + i,
            "hlc": f"{i:013d}:00000:dev-1",
            "name": "defect.comment",
            "status": "rejected" if i else "applied",
            "code": "mutation_invalid" if i else "",
            "message": "参数有误 / Invalid arguments: 'a\\x00b'" if i else "",
            "conflict_id": None,
            "defect_id": ids[i],
            "user_id": user.id,
            "applied_at": at,
        }
        for i in range(3)
    ]
    insert_rows(db.session, AppliedMutation, rows)
    got = db.session.scalars(select(AppliedMutation).order_by(AppliedMutation.seq)).all()
    assert [(g.seq, g.code, g.message, g.defect_id) for g in got] == [
        (r["seq"], r["code"], r["message"], r["defect_id"]) for r in rows
    ]
    assert all(g.applied_at == at.astimezone(UTC) for g in got)
    picked = db.session.scalars(
        select(AppliedMutation.seq).where(one_of(db.session, AppliedMutation.defect_id, ids[1:]))
    )
    assert sorted(picked) == [2**40 + 1, 2**40 + 2]
    assert (
        list(db.session.scalars(select(AppliedMutation.seq).where(one_of(db.session, AppliedMutation.seq, [])))) == []
    )


def test_insert_rows_writes_json_columns(app):
    defect = f.DefectFactory()
    db.session.flush()
    values = [{"photos": ["a" * 64], "说明": "墙面空鼓"}, None, 3, "文字"]
    rows = [
        {
            "defect_id": defect.id,
            "at": datetime(2026, 12, 1, tzinfo=UTC),
            "user_id": None,
            "device_id": None,
            "action": "set",
            "field": "x",
            "old": None,
            "new": v,
        }
        for v in values
    ]
    insert_rows(db.session, DefectHistory, rows)
    stmt = select(DefectHistory.new).where(DefectHistory.defect_id == defect.id).order_by(DefectHistory.id)
    assert list(db.session.scalars(stmt)) == values
