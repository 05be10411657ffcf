"""Signing a walkthrough: synced once, only by staff on units they may see, in a customer-facing round;
the record is sealed, its PDF lists the items, and verification tells an intact record and PDF from a
changed one."""

from __future__ import annotations

import io
import re
import uuid
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from domain.models import Walkthrough
from server.extensions import db
from tests import factories as f
from tests.sync.test_push import create_args

SIG = {"strokes": [[[0.1, 0.5], [0.4, 0.2], [0.8, 0.6]]], "png": ""}


def sign_args(world: Any, items: list[dict[str, Any]], **over: Any) -> dict[str, Any]:
    args = {
        "id": str(uuid.uuid4()),
        "unit_id": world.unit.id,
        "inspection_id": str(world.inspection.id),
        "owner_name": "张先生",
        "owner_remarks": "主卧窗台渗水需尽快处理",
        "items": items,
        "owner_signature": SIG,
        "inspector_signature": SIG,
    }
    args.update(over)
    return args


def item(defect_id: str, **over: Any) -> dict[str, Any]:
    base = {"id": defect_id, "number": 1, "room": "主卧", "type": "渗漏", "severity": "A", "description": "窗台渗水"}
    return {**base, **over}


def logged(world: Any, device: Any) -> tuple[Any, str]:
    tablet = device(world.inspector)
    defect = create_args(world, inspection_id=str(world.inspection.id), description="窗台渗水")
    tablet.mutate("defect.create", **defect)
    return tablet, defect["id"]


def test_offline_signing_syncs_once_and_numbers_rounds(client: Any, world: Any, device: Any) -> None:
    tablet, defect_id = logged(world, device)
    args = sign_args(world, [item(defect_id, owner_raised=True)])
    tablet.mutate("walkthrough.sign", **args)  # logged and signed offline: one push carries both
    sent = {"device_id": tablet.id, "mutations": list(tablet.outbox)}
    results = tablet.push()
    assert [r["status"] for r in results] == ["applied", "applied"]
    w = db.session.get(Walkthrough, uuid.UUID(args["id"]))
    assert w is not None and w.round == 1 and w.items[0]["owner_raised"] is True
    assert re.fullmatch(r"[0-9a-f]{64}", w.content_hash)

    # The response was lost: the same push again is answered from the ledger and changes nothing.
    replay = client.post("/api/sync/push", json=sent, headers=tablet.headers).get_json()["results"]
    assert all(r.get("replayed") for r in replay)
    assert db.session.scalar(select(func.count()).select_from(Walkthrough)) == 1

    tablet.mutate("walkthrough.sign", **sign_args(world, [item(defect_id)]))
    assert tablet.push()[0]["status"] == "applied"
    rounds = db.session.scalars(select(Walkthrough.round).order_by(Walkthrough.round)).all()
    assert rounds == [1, 2]


@pytest.mark.parametrize("who", ["owner", "crew", "outsider"])
def test_only_staff_of_the_unit_sign(world: Any, device: Any, who: str) -> None:
    _, defect_id = logged(world, device)
    tablet = device(world.inspector)
    tablet.push()
    other = device(getattr(world, who))
    other.mutate("walkthrough.sign", **sign_args(world, [item(defect_id)]))
    result = other.push()[0]
    assert result["status"] == "rejected" and result["code"] in ("forbidden", "not_found")
    assert db.session.scalar(select(func.count()).select_from(Walkthrough)) == 0


def test_items_must_be_defects_of_that_unit_and_round_customer_facing(world: Any, device: Any) -> None:
    tablet, defect_id = logged(world, device)
    tablet.push()
    elsewhere = create_args(world, unit_id=world.unit2.id)
    tablet.mutate("defect.create", **elsewhere)
    internal = f.InspectionFactory(project_id=world.project.id, kind="internal")
    db.session.commit()
    tablet.mutate("walkthrough.sign", **sign_args(world, [item(elsewhere["id"])]))
    tablet.mutate("walkthrough.sign", **sign_args(world, [item(defect_id)], inspection_id=str(internal.id)))
    tablet.mutate("walkthrough.sign", **sign_args(world, [item(defect_id), item(defect_id)]))
    tablet.mutate("walkthrough.sign", **sign_args(world, [item(defect_id)]))  # a good one after three bad ones
    results = tablet.push()
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "rejected", "applied"]
    assert {r.get("code") for r in results[1:4]} == {"reference_invalid"}


@pytest.mark.parametrize(
    "bad",
    [
        {"owner_name": "x" * 61},
        {"owner_name": ""},
        {"owner_remarks": "x" * 2001},
        {"unit_id": 2**31},
        {"items": [{"id": "not-a-uuid"}]},
        {"owner_signature": {"strokes": [[[2.0, 0.5], [0.1, 0.1]]]}},
        {"owner_signature": {"strokes": []}},
        {"inspector_signature": {"strokes": [[[0.1, 0.1]] * 2001]}},
        {"items": [item(str(uuid.uuid4()), severity="Z")]},
    ],
)
def test_hostile_values_are_rejected_and_the_rest_applies(world: Any, device: Any, bad: dict[str, Any]) -> None:
    tablet, _ = logged(world, device)
    over = dict(bad)
    tablet.mutate("walkthrough.sign", **sign_args(world, over.pop("items", []), **over))
    tablet.mutate("defect.comment", id=tablet.outbox[0]["args"]["id"], comment_id=str(uuid.uuid4()), body="ok")
    results = tablet.push()
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["code"] in ("mutation_invalid", "not_found")


def _signed(world: Any, device: Any) -> tuple[Any, Walkthrough]:
    tablet, defect_id = logged(world, device)
    args = sign_args(world, [item(defect_id)])
    tablet.mutate("walkthrough.sign", **args)
    tablet.push()
    w = db.session.get(Walkthrough, uuid.UUID(args["id"]))
    assert w is not None
    return tablet, w


def test_pdf_lists_the_items_and_verifies(client: Any, auth: Any, world: Any, device: Any) -> None:
    _, w = _signed(world, device)
    listing = client.get(f"/api/units/{world.unit.id}/walkthroughs", headers=auth.headers(world.owner)).get_json()
    record = listing["walkthroughs"][0]
    assert record["added_after_signing"] == []
    response = client.get(record["pdf_url"], headers=auth.headers(world.owner))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert world.unit.number in text and "窗台渗水" in text and "张先生" in text and record["code"] in text
    again = client.get(record["pdf_url"], headers=auth.headers(world.manager))
    assert again.data == pdf  # the same bytes every time

    page = client.get(f"/verify/walkthrough/{w.id}?code={record['code']}")
    assert page.status_code == 200 and 'data-result="authentic"' in page.get_data(as_text=True)
    good = client.post(
        f"/verify/walkthrough/{w.id}",
        data={"code": record["code"], "pdf": (io.BytesIO(pdf), "r.pdf")},
        content_type="multipart/form-data",
    )
    assert 'data-pdf="authentic"' in good.get_data(as_text=True)
    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    bad = client.post(
        f"/verify/walkthrough/{w.id}",
        data={"code": record["code"], "pdf": (io.BytesIO(bytes(changed)), "r.pdf")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 409 and 'data-pdf="tampered"' in bad.get_data(as_text=True)
    wrong_code = client.get(f"/verify/walkthrough/{w.id}?code={'0' * 20}")
    assert wrong_code.status_code == 409 and 'data-result="tampered"' in wrong_code.get_data(as_text=True)


def test_a_changed_record_is_detected_even_with_its_hash_recomputed(
    client: Any, auth: Any, world: Any, device: Any
) -> None:
    from domain.walkthroughs import content_hash

    _, w = _signed(world, device)
    code = client.get(f"/api/units/{world.unit.id}/walkthroughs", headers=auth.headers(world.manager)).get_json()[
        "walkthroughs"
    ][0]["code"]
    items = [dict(w.items[0], description="已修好")]  # someone with database access rewrites what was signed
    db.session.execute(update(Walkthrough).where(Walkthrough.id == w.id).values(items=items))
    db.session.commit()
    db.session.refresh(w)
    assert 'data-result="tampered"' in client.get(f"/verify/walkthrough/{w.id}?code={code}").get_data(as_text=True)
    db.session.execute(update(Walkthrough).where(Walkthrough.id == w.id).values(content_hash=content_hash(w)))
    db.session.commit()
    assert 'data-result="tampered"' in client.get(f"/verify/walkthrough/{w.id}?code={code}").get_data(as_text=True)


def test_items_added_after_signing_are_listed(client: Any, auth: Any, world: Any, device: Any) -> None:
    tablet, _ = _signed(world, device)
    later = create_args(world, inspection_id=str(world.inspection.id))
    tablet.mutate("defect.create", **later)
    tablet.push()
    listing = client.get(f"/api/units/{world.unit.id}/walkthroughs", headers=auth.headers(world.inspector))
    assert listing.get_json()["walkthroughs"][-1]["added_after_signing"] == [later["id"]]


@pytest.mark.parametrize("who", ["owner2", "crew", "crew2", "outsider"])
def test_others_cannot_read_the_record_or_its_pdf(client: Any, auth: Any, world: Any, device: Any, who: str) -> None:
    _, w = _signed(world, device)
    headers = auth.headers(getattr(world, who))
    listing = client.get(f"/api/units/{world.unit.id}/walkthroughs", headers=headers)
    assert listing.status_code == 404 and listing.get_json()["code"] == "walkthrough_not_found"
    pdf = client.get(f"/api/walkthroughs/{w.id}/pdf", headers=headers)
    assert pdf.status_code == 404 and pdf.get_json()["code"] == "walkthrough_not_found"
    assert client.get(f"/api/walkthroughs/{w.id}/pdf").status_code == 401


def test_verification_of_an_unknown_record_reveals_nothing(client: Any) -> None:
    page = client.get(f"/verify/walkthrough/{uuid.uuid4()}?code=abc")
    assert page.status_code == 404 and 'data-result="unknown"' in page.get_data(as_text=True)
    assert client.get(f"/api/units/{2**31}/walkthroughs").status_code in (401, 404)
