"""A user's scope_version goes up with every change that can change what they may see, whichever code path
makes it (domain.policy's before_flush hook), and with nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import HomeownerUnit, Membership, User
from server.accounts import service
from server.extensions import db
from tests.factories import ContractorFactory, ProjectFactory, UnitFactory, UserFactory


def _version(user_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(User.scope_version).where(User.id == user_id))


def _staff(*projects):
    user = UserFactory(role="inspector")
    for p in projects:
        db.session.add(Membership(user_id=user.id, project_id=p.id))
    db.session.commit()
    return user


def test_memberships_changed_through_the_api_bump_the_version(client, auth):
    p1, p2 = ProjectFactory(), ProjectFactory()
    user = _staff(p1)
    admin = auth.headers(UserFactory(role="admin"))
    uid, v = user.id, _version(user.id)

    def patch(body):
        r = client.patch(f"/api/users/{uid}", json=body, headers=admin)
        assert r.status_code == 200, r.get_json()
        return _version(uid)

    assert patch({"display_name": "新名字", "phone": "123", "password": "long-enough-1"}) == v  # not scope
    assert patch({"project_ids": [p1.id]}) == v  # the same projects
    assert patch({"active": True}) == v  # already active
    assert patch({"project_ids": [p1.id, p2.id]}) == v + 1  # one added
    assert patch({"project_ids": [p2.id]}) == v + 2  # one removed
    assert patch({"active": False}) == v + 3
    assert patch({"active": True}) == v + 4


def test_redeeming_an_invitation_bumps_the_version(client, auth):
    owner = UserFactory(role="homeowner")
    unit, unit2 = UnitFactory(), UnitFactory()
    db.session.add(HomeownerUnit(user_id=owner.id, unit_id=unit.id))
    code = service.create_invitation(db.session, unit2.id).code
    db.session.commit()
    uid, v = owner.id, _version(owner.id)
    r = client.post("/api/auth/join", json={"code": code}, headers=auth.headers(owner))
    assert r.status_code == 200 and _version(uid) == v + 1


def test_orm_changes_of_every_kind_bump_the_version(app):
    project, unit = ProjectFactory(), UnitFactory()
    c1, c2 = ContractorFactory(), ContractorFactory()
    crew = UserFactory(role="crew", contractor_id=c1.id)
    staff = _staff(project)
    owner = UserFactory(role="homeowner")
    db.session.add(HomeownerUnit(user_id=owner.id, unit_id=unit.id))
    db.session.commit()
    versions = {u.id: _version(u.id) for u in (crew, staff, owner)}

    db.session.get(User, crew.id).contractor_id = c2.id
    db.session.commit()
    assert _version(crew.id) == versions[crew.id] + 1
    db.session.get(User, crew.id).role = "inspector"
    db.session.commit()
    assert _version(crew.id) == versions[crew.id] + 2

    # Removed from the collection: the orphan is deleted by the flush itself.
    user = db.session.get(User, staff.id)
    user.memberships.remove(user.memberships[0])
    db.session.commit()
    assert _version(staff.id) == versions[staff.id] + 1
    assert db.session.scalars(select(Membership).where(Membership.user_id == staff.id)).all() == []

    db.session.delete(db.session.scalars(select(HomeownerUnit).where(HomeownerUnit.user_id == owner.id)).one())
    db.session.commit()
    assert _version(owner.id) == versions[owner.id] + 1

    user = db.session.get(User, owner.id)
    user.owned_units.append(HomeownerUnit(unit_id=unit.id))  # through the relationship only
    db.session.commit()
    assert _version(owner.id) == versions[owner.id] + 2


@pytest.mark.committed
def test_the_version_is_incremented_in_sql_so_concurrent_changes_both_count(app):
    """A change made from a stale copy of the user still moves the version past the one it did not see."""
    p1, p2 = ProjectFactory(), ProjectFactory()
    user = _staff()
    db.session.commit()
    uid, v = user.id, _version(user.id)
    with Session(db.engine, expire_on_commit=False) as stale:
        stale_user = stale.get(User, uid)  # read before the other change, kept in memory
        assert stale_user is not None and stale_user.scope_version == v
        stale.commit()  # ends the read (SQLite's lock); the copy keeps the old version
        db.session.add(Membership(user_id=uid, project_id=p1.id))
        db.session.commit()
        assert _version(uid) == v + 1
        stale.add(Membership(user_id=uid, project_id=p2.id))
        stale.commit()
    assert _version(uid) == v + 2
