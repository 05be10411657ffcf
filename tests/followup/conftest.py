"""The sync tests' small world (every role, two contractors) plus helpers to walk a defect's loop."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from domain.followup import defaults
from domain.models import Defect, InboxMessage
from server.extensions import db
from tests.sync.conftest import device, world  # noqa: F401  (fixtures)
from tests.sync.test_push import create_args

AFTER = "f" * 64


@pytest.fixture
def loop(world: Any, device: Any) -> Any:  # noqa: F811
    """A defect recorded by the inspector and dispatched by the manager to contractor 1."""
    defaults.ensure_project(db.session, world.project.id)
    db.session.commit()
    inspector, manager = device(world.inspector), device(world.manager)
    did = str(uuid.uuid4())
    inspector.mutate("defect.create", **create_args(world, id=did))
    assert inspector.push()[0]["status"] == "applied"
    manager.pull()
    manager.mutate("defect.status", id=did, action="assign", contractor_id=world.contractor.id, **{"from": "open"})
    assert manager.push()[0]["status"] == "applied"
    return did


def defect(did: str) -> Defect:
    db.session.expire_all()
    d = db.session.get(Defect, uuid.UUID(did))
    assert d is not None
    return d


def inbox(user: Any, kind: str | None = None) -> list[InboxMessage]:
    stmt = select(InboxMessage).where(InboxMessage.user_id == user.id).order_by(InboxMessage.id)
    if kind:
        stmt = stmt.where(InboxMessage.kind == kind)
    return list(db.session.scalars(stmt))
