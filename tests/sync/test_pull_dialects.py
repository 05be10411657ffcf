"""The pull side of the dialect contract (sync.dialects): every backend's ``one_of``, ``defect_entries``,
``begin_read`` and ``lock_before_read`` give the same answers. Runs on SQLite and PostgreSQL like every
database test; the portable backend (sqlite, also the fallback for any other database) is held to the
same contract on both."""

from __future__ import annotations

import uuid

import orjson
import pytest
from sqlalchemy import select

from domain.models import Defect, SyncCounter
from server.extensions import db
from sync import dialects
from sync.dialects import sqlite as portable

from .test_push import create_args


def _implementations() -> list[dialects.Dialect]:
    return [dialects.of(db.session()), portable]


@pytest.fixture
def defects(world, device) -> list[uuid.UUID]:
    a = device(world.inspector)
    made = [create_args(world, description=f'第{i}条 "引号" \\ 换行\n') for i in range(5)]
    for args in made:
        a.mutate("defect.create", **args)
    assert {r["status"] for r in a.push()} == {"applied"}
    return sorted(uuid.UUID(x["id"]) for x in made)


def test_only_sqlite_takes_the_write_lock_before_reading(world):
    name = db.session().get_bind().dialect.name
    assert dialects.of(db.session()).lock_before_read is (name == "sqlite")


@pytest.mark.parametrize("pick", [[], [0], [1, 3], [0, 1, 2, 3, 4]])
def test_one_of_matches_exactly_the_values_given(defects, pick):
    wanted = [defects[i] for i in pick]
    for dialect in _implementations():
        got = db.session.scalars(select(Defect.id).where(dialect.one_of(Defect.id, wanted)).order_by(Defect.id))
        assert list(got) == wanted, dialect.name
        # Values may come as any iterable, once (a set, a generator).
        got = db.session.scalars(select(Defect.id).where(dialect.one_of(Defect.id, iter(set(wanted)))))
        assert sorted(got) == wanted, dialect.name
    db.session.rollback()


def test_defect_entries_are_the_same_json_in_id_order_within_the_limit(defects):
    pages = {}
    for dialect in _implementations():
        entries = dialect.defect_entries(db.session(), Defect.id > defects[0], limit=3)
        assert [i for i, _ in entries] == defects[1:4], dialect.name
        pages[dialect.name] = [orjson.loads(orjson.dumps(e)) for _, e in entries]
        assert dialect.defect_entries(db.session(), dialect.one_of(Defect.id, [])) == []
    first, *others = pages.values()
    for other in others:
        assert other == first
    assert {e["kind"] for e in first} == {"defect"} and all(e["data"]["photos"] for e in first)
    db.session.rollback()


def test_begin_read_leaves_a_page_readable(defects):
    for dialect in _implementations():
        dialect.begin_read(db.session())
        assert len(dialect.defect_entries(db.session())) == len(defects)
        db.session.rollback()


def test_lock_before_read_is_what_the_feed_does(defects):
    from sync.feed import feed_position, lock_for_write

    before = feed_position(db.session())
    lock_for_write(db.session())  # takes the lock (SQLite) or nothing, and never moves the feed
    assert db.session.scalar(select(SyncCounter.value).where(SyncCounter.name == "feed")) == before
    db.session.rollback()
