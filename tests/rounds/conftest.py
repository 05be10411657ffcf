"""The sync tests' small world (one project, two units of a two-room plan, every role), the library and
the standard checklist loaded."""

from __future__ import annotations

from typing import Any

import pytest

from domain.rounds.checklists import seed_standard
from server.extensions import db
from server.library.seed import seed_library
from tests.sync.conftest import World, device, world  # noqa: F401  (fixtures shared with the sync tests)


@pytest.fixture
def checklist_world(world: World) -> World:  # noqa: F811
    seed_library(db.session)
    seed_standard(db.session)
    db.session.commit()
    return world


@pytest.fixture
def headers(auth: Any) -> Any:
    return auth.headers
