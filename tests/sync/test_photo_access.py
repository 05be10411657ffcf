"""Attaching a photo through sync needs the right to it: its uploader, or someone who already sees it.
Knowing a hash grants nothing, and neither does a removal tombstone (issue 10, "Access")."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from domain.models import Membership, Photo, PhotoUploader
from server.extensions import db
from tests import factories as f

from .test_push import create_args


def _photo(owner: Any, seed: str) -> str:
    sha = hashlib.sha256(seed.encode()).hexdigest()
    db.session.add(
        Photo(
            sha256=sha,
            size=10,
            mime="image/jpeg",
            width=4,
            height=3,
            derivative_mime="image/jpeg",
            clean_mime="image/jpeg",
            uploaded_by_id=owner.id,
        )
    )
    db.session.flush()
    db.session.add(PhotoUploader(sha256=sha, user_id=owner.id))
    db.session.commit()
    return sha


def _sees(client: Any, headers: dict[str, str], sha: str) -> bool:
    r = client.get(f"/api/photos/{sha}/annotations", headers=headers)
    assert r.status_code in (200, 404)
    return r.status_code == 200


def _secret_defect(world: Any, device: Any) -> str:
    """A photo uploaded by the inspector and attached to a defect of the world's project."""
    sha = _photo(world.inspector, "secret")
    a = device(world.inspector)
    a.mutate("defect.create", **create_args(world, photos=[{"sha256": sha, "kind": "before"}]))
    assert a.push()[0]["status"] == "applied"
    return sha


def _outsider_defect(world: Any, device: Any) -> tuple[Any, str]:
    """The outsider's own defect, in the other project."""
    unit = f.UnitFactory()
    db.session.flush()
    db.session.add(Membership(user_id=world.outsider.id, project_id=unit.project_id))
    db.session.commit()
    o = device(world.outsider)
    did = str(uuid.uuid4())
    o.mutate("defect.create", id=did, unit_id=unit.id, type_id=world.dtype.id)
    assert o.push()[0]["status"] == "applied"
    return o, did


def test_a_homeowner_cannot_attach_another_units_photo_and_the_rest_applies(world, device, client):
    sha = _secret_defect(world, device)
    owner2 = device(world.owner2)
    assert not _sees(client, owner2.headers, sha)
    stolen = create_args(world, unit_id=world.unit2.id, room_id=None, photos=[{"sha256": sha, "kind": "before"}])
    good = create_args(world, unit_id=world.unit2.id, room_id=None, photos=[])
    owner2.mutate("defect.create", **stolen)
    owner2.mutate("defect.create", **good)
    first, second = owner2.push()
    assert first["status"] == "rejected" and first["code"] == "photo_not_yours" and "/" in first["message"]
    assert second["status"] == "applied"
    assert not _sees(client, owner2.headers, sha)


def test_photo_add_of_someone_elses_photo_is_refused(world, device, client):
    sha = _secret_defect(world, device)
    o, did = _outsider_defect(world, device)
    o.mutate("defect.photo_add", id=did, sha256=sha, kind="before")
    o.mutate("defect.comment", id=did, comment_id=str(uuid.uuid4()), body="仍然生效")
    refused, comment = o.push()
    assert refused["status"] == "rejected" and refused["code"] == "photo_not_yours"
    assert comment["status"] == "applied"
    assert not _sees(client, o.headers, sha)


def test_a_removal_tombstone_grants_nothing(world, device, client):
    sha = _secret_defect(world, device)
    o, did = _outsider_defect(world, device)
    o.mutate("defect.photo_remove", id=did, sha256=sha)
    [res] = o.push()
    assert res["status"] == "duplicate"
    assert not _sees(client, o.headers, sha)
    o.mutate("photo.annotate", sha256=sha, shapes=[])
    o.mutate("defect.photo_add", id=did, sha256=sha, kind="before")
    annotated, added = o.push()
    assert annotated["code"] == "not_found" and added["code"] == "photo_not_yours"


def test_the_uploader_and_those_who_see_it_may_attach(world, device, client):
    sha = _secret_defect(world, device)
    b = device(world.inspector2)  # same project: sees the defect, so the photo
    b.mutate("defect.create", **create_args(world, photos=[{"sha256": sha, "kind": "before"}]))
    assert b.push()[0]["status"] == "applied"
    o, did = _outsider_defect(world, device)
    mine = _photo(world.outsider, "the outsider's own bytes")
    o.mutate("defect.photo_add", id=did, sha256=mine, kind="after")
    assert o.push()[0]["status"] == "applied"


def test_a_photo_not_uploaded_yet_may_be_named(world, device):
    """The PWA pushes a new defect before its photos finish uploading; unknown bytes reveal nothing."""
    a = device(world.inspector)
    a.mutate("defect.create", **create_args(world, photos=[{"sha256": "b" * 64, "kind": "before"}]))
    assert a.push()[0]["status"] == "applied"


def test_a_plan_image_must_be_the_managers_own_or_visible(world, device, client):
    sha = _photo(world.outsider, "another project's plan")
    plan_id = world.unit.plan_type_id
    m = device(world.manager)
    r = client.patch(f"/api/plan-types/{plan_id}", json={"plan_sha256": sha}, headers=m.headers)
    assert r.status_code == 403 and r.get_json()["code"] == "photo_not_yours"
    assert not _sees(client, m.headers, sha)
    own = _photo(world.manager, "the manager's plan")
    r = client.patch(f"/api/plan-types/{plan_id}", json={"plan_sha256": own}, headers=m.headers)
    assert r.status_code == 200
