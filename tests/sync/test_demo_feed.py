"""The demo project's defects are in the change feed, so a device's first pull shows them."""

from __future__ import annotations

from sqlalchemy import select

from domain.models import User
from server.demo.data import load_demo
from server.extensions import db

from .device import SimDevice


def test_demo_defects_are_pulled(app, client, auth):
    summary = load_demo(db.session)
    db.session.commit()
    manager = db.session.scalar(select(User).where(User.username == "manager"))
    crew = db.session.scalar(select(User).where(User.username == "crew1"))
    owner = db.session.scalar(select(User).where(User.username == "owner"))
    m = SimDevice(client, auth.headers(manager))
    m.pull(limit=5000)
    assert len(m.defects) == summary.defects
    c = SimDevice(client, auth.headers(crew))
    c.pull()
    assert c.defects and all(d["contractor_id"] == crew.contractor_id for d in c.defects.values())
    o = SimDevice(client, auth.headers(owner))
    o.pull()
    assert o.defects and {d["unit_id"] for d in o.defects.values()} == {u.unit_id for u in owner.owned_units}
