"""Property tests: the same mutations from 3–5 devices, pushed in any interleaving, with any duplication,
give the same final state on the server and on every device after pull; replays change nothing; status
never moves but by an allowed transition, and every refused status change has a conflict record."""

from __future__ import annotations

import random
import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from domain import rules
from domain.models import (
    AppliedMutation,
    Conflict,
    Defect,
    DefectComment,
    DefectHistory,
    DefectPhoto,
    Device,
    StatusCommand,
    SyncChange,
    SyncCounter,
)
from server.extensions import db
from sync.hlc import now_ms

from .device import SimDevice
from .test_push import create_args

SHAS = [c * 64 for c in "abc"]
TEXTS = ["墙面空鼓", "门框开裂", "卫生间渗漏，需现场查看", "踢脚线脱落"]
ACTIONS = list(rules.TRANSITIONS)
STATUSES = list(rules.STATUS_ZH)
N_DEFECTS = 2

edit = st.tuples(st.just("update"), st.integers(0, N_DEFECTS - 1), st.sampled_from(["description", "severity", "pin"]))
op = st.one_of(
    edit,
    edit,
    st.tuples(st.just("status"), st.integers(0, N_DEFECTS - 1), st.sampled_from(ACTIONS), st.sampled_from(STATUSES)),
    st.tuples(st.just("photo_add"), st.integers(0, N_DEFECTS - 1), st.integers(0, len(SHAS) - 1)),
    st.tuples(st.just("photo_remove"), st.integers(0, N_DEFECTS - 1), st.integers(0, len(SHAS) - 1)),
    st.tuples(st.just("comment"), st.integers(0, N_DEFECTS - 1)),
)
device_script = st.lists(st.tuples(op, st.integers(0, 30), st.integers(1, 3)), min_size=1, max_size=6)


def _mutation(world: Any, ids: list[str], spec: tuple[Any, ...], rng: random.Random) -> tuple[str, dict[str, Any]]:
    kind, d = spec[0], ids[spec[1]]
    if kind == "update":
        field = spec[2]
        if field == "pin":
            return "defect.update", {"id": d, "fields": {"pin_x": rng.choice([0.1, 0.5]), "pin_y": rng.random()}}
        value = rng.choice(TEXTS) if field == "description" else rng.choice("ABC")
        return "defect.update", {"id": d, "fields": {field: value}}
    if kind == "status":
        args: dict[str, Any] = {"id": d, "action": spec[2], "from": spec[3]}
        if spec[2] == "assign":
            args["contractor_id"] = rng.choice([world.contractor.id, world.contractor2.id])
        if spec[2] == "visit":
            args["satisfaction"] = rng.randint(1, 5)
        return "defect.status", args
    if kind == "photo_add":
        return "defect.photo_add", {"id": d, "sha256": SHAS[spec[2]], "kind": rng.choice(["before", "after"])}
    if kind == "photo_remove":
        return "defect.photo_remove", {"id": d, "sha256": SHAS[spec[2]]}
    return "defect.comment", {
        "id": d,
        "comment_id": str(uuid.UUID(int=rng.getrandbits(128))),
        "body": rng.choice(TEXTS),
    }


def _reset() -> None:
    for model in (
        SyncChange,
        SyncCounter,
        AppliedMutation,
        Device,
        Conflict,
        StatusCommand,
        DefectHistory,
        DefectComment,
        DefectPhoto,
        Defect,
    ):
        db.session.execute(delete(model))
    db.session.commit()


def _run(
    client: Any,
    auth_headers: list[dict[str, str]],
    device_ids: list[str],
    batches: list[list[list[dict]]],
    creates: list[dict],
    order: list[int],
    replays: list[int],
    rng: random.Random,
) -> list[SimDevice]:
    _reset()
    devices = [SimDevice(client, h, i) for h, i in zip(auth_headers, device_ids)]
    first = devices[0]
    r = client.post("/api/sync/push", json={"device_id": first.id, "mutations": creates}, headers=first.headers)
    assert all(x["status"] == "applied" for x in r.get_json()["results"])
    nxt = [0] * len(devices)
    sent: list[tuple[int, list[dict]]] = []
    for k, dev_index in enumerate(order):
        dev = devices[dev_index]
        batch = batches[dev_index][nxt[dev_index]]
        nxt[dev_index] += 1
        r = client.post("/api/sync/push", json={"device_id": dev.id, "mutations": batch}, headers=dev.headers)
        assert r.status_code == 200, r.get_json()
        sent.append((dev_index, batch))
        if replays and replays[k % len(replays)] == 1:  # a lost response: the device sends it again
            again = client.post("/api/sync/push", json={"device_id": dev.id, "mutations": batch}, headers=dev.headers)
            assert [x["status"] for x in again.get_json()["results"]] == [x["status"] for x in r.get_json()["results"]]
        if rng.random() < 0.3:
            devices[rng.randrange(len(devices))].pull(limit=rng.choice([3, 1000]))
    for dev in devices:
        dev.pull(limit=rng.choice([2, 5, 1000]))
    # Replaying any earlier push changes nothing.
    feed = db.session.scalar(select(func.count()).select_from(SyncChange))
    dev_index, batch = sent[rng.randrange(len(sent))]
    r = client.post(
        "/api/sync/push", json={"device_id": device_ids[dev_index], "mutations": batch}, headers=auth_headers[dev_index]
    )
    assert all(x.get("replayed") for x in r.get_json()["results"])
    assert db.session.scalar(select(func.count()).select_from(SyncChange)) == feed
    return devices


def _state(dev: SimDevice) -> dict[str, Any]:
    defects = {k: {f: v for f, v in d.items() if f != "updated_at"} for k, d in dev.defects.items()}
    open_conflicts = sorted(
        (c["defect_id"], c["theirs"]["hlc"]) for c in dev.conflicts.values() if c["status"] == "open"
    )
    return {"defects": defects, "comments": dev.comments, "open_conflicts": open_conflicts}


def _check_photo_lists(dev: SimDevice) -> None:
    """The photos pulled (each defect's stored photo_list) are the photo set in defect_photos."""
    truth: dict[str, list[dict[str, str]]] = {k: [] for k in dev.defects}
    stmt = (
        select(DefectPhoto.defect_id, DefectPhoto.sha256, DefectPhoto.kind)
        .where(DefectPhoto.removed_at.is_(None))
        .order_by(DefectPhoto.added_at, DefectPhoto.sha256)
    )
    for defect_id, sha256, kind in db.session.execute(stmt):
        truth[str(defect_id)].append({"sha256": sha256, "kind": kind})
    assert {k: d["photos"] for k, d in dev.defects.items()} == truth


def _check_status_chains() -> None:
    cmds = db.session.scalars(select(StatusCommand).order_by(StatusCommand.defect_id, StatusCommand.hlc)).all()
    by_defect: dict[Any, list[StatusCommand]] = {}
    for c in cmds:
        by_defect.setdefault(c.defect_id, []).append(c)
    for defect_id, chain in by_defect.items():
        status = "open"
        for c in chain:
            assert c.before["status"] == status
            t = rules.TRANSITIONS[c.action]
            if c.outcome == "applied":
                assert status in t.sources and c.from_status == status and c.role in t.roles
                status = t.target
            else:
                conflict = db.session.get(Conflict, c.conflict_id)
                assert conflict is not None and conflict.status == "open"
        assert db.session.get(Defect, defect_id).status == status


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    scripts=st.lists(device_script, min_size=3, max_size=5),
    seed=st.integers(0, 2**32 - 1),
    replays=st.lists(st.integers(0, 3), max_size=8),
)
def test_any_interleaving_converges(world, client, auth, scripts, seed, replays):
    rng = random.Random(seed)
    users = [world.inspector, world.inspector2, world.manager, world.admin, world.manager]
    headers = [auth.headers(users[i]) for i in range(len(scripts))]
    device_ids = [f"dev{i}-{seed % 1000}" for i in range(len(scripts))]
    base = now_ms() - 3_600_000
    ids = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(N_DEFECTS)]
    creates = [
        {
            "seq": i + 1,
            "hlc": f"{base:013d}:{i:05d}:{device_ids[0]}",
            "name": "defect.create",
            # An after-photo no script removes: a fix is then refused or allowed by the state machine alone,
            # never by which photo mutations happened to arrive first.
            "args": {**create_args(world), "id": ids[i], "photos": [{"sha256": "d" * 64, "kind": "after"}]},
        }
        for i in range(N_DEFECTS)
    ]
    batches: list[list[list[dict]]] = []
    for dev_index, script in enumerate(scripts):
        seq = N_DEFECTS if dev_index == 0 else 0
        t, counter, current = base + 1000, 0, []
        dev_batches: list[list[dict]] = []
        for spec, dt, batch_size in script:
            t, counter = (t + dt, 0) if dt else (t, counter + 1)
            seq += 1
            name, args = _mutation(world, ids, spec, rng)
            current.append(
                {"seq": seq, "hlc": f"{t:013d}:{counter:05d}:{device_ids[dev_index]}", "name": name, "args": args}
            )
            if len(current) >= batch_size:
                dev_batches.append(current)
                current = []
        if current:
            dev_batches.append(current)
        batches.append(dev_batches)
    schedule = [i for i, b in enumerate(batches) for _ in b]

    finals = []
    for attempt in range(2):
        order = schedule[:]
        rng.shuffle(order)
        # The shuffle keeps each device's batches in its own order (pushes are sequential per device).
        devices = _run(client, headers, device_ids, batches, creates, order, replays if attempt else [], rng)
        states = [_state(d) for d in devices]
        fresh = SimDevice(client, headers[3 % len(headers)])
        fresh.pull()
        for s in states:
            assert s == _state(fresh)  # every device equals the server
        _check_photo_lists(fresh)
        _check_status_chains()
        finals.append(_state(fresh))
    assert finals[0] == finals[1]  # and the server ends the same whatever the order
