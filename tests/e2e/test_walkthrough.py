"""陪验签字 offline: the inspector opens a unit's walkthrough with no network, the owner and the inspector
sign with a finger, and after the network returns the record is on the server exactly once, its PDF lists
the items and the public page says it is authentic."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from . import pwa

pytestmark = pytest.mark.e2e


def _draw(page: Any, selector: str) -> None:
    page.locator(selector).evaluate("el => el.scrollIntoView({block: 'center'})")
    box = page.locator(selector).bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(box["x"] + box["width"] * (0.1 + i * 0.07), box["y"] + box["height"] * (0.6 - (i % 3) * 0.15))
    page.mouse.up()


def test_offline_walkthrough_is_signed_synced_once_and_verifiable(server, new_context):
    inspections = server.get("inspector", f"/api/projects/{pwa.DEMO_PROJECT}/inspections").json()
    open_day = next(i for i in inspections if i["kind"] == "open_day")
    units = server.get("inspector", f"/api/projects/{pwa.DEMO_PROJECT}/units").json()
    unit, found = next(
        (u, items)
        for u in units
        if (
            items := [
                d
                for d in server.get("inspector", f"/api/defects?unit_id={u['id']}&per_page=200").json()
                if d["inspection_id"] == open_day["id"] and d["status"] != "void"
            ]
        )
    )

    ctx = new_context()
    page = ctx.new_page()
    pwa.login(page, server.base, "inspector")
    pwa.download(page)
    pwa.wait_for_service_worker(page)
    ctx.set_offline(True)
    pwa.open_unit(page, server.base, unit["id"])
    page.click("[data-action=walkthrough]")
    page.select_option("select[name=round]", open_day["id"])
    page.wait_for_selector(f".walk-items[data-count='{len(found)}']")
    page.fill("input[name=owner_name]", "陈先生")
    page.fill("textarea[name=remarks]", "卫生间渗水请优先处理")
    _draw(page, "[data-signature=owner]")
    _draw(page, "[data-signature=inspector]")
    page.click("[data-action=sign]")
    page.wait_for_selector("[data-signed]")
    assert pwa.counts(page)["records"] == 1

    ctx.set_offline(False)
    pwa.wait_synced(page)
    records = server.get(
        "owner" if unit["id"] == units[0]["id"] else "inspector", f"/api/units/{unit['id']}/walkthroughs"
    )
    walkthroughs = records.json()["walkthroughs"]
    assert len(walkthroughs) == 1
    record = walkthroughs[0]
    assert {i["id"] for i in record["items"]} == {d["id"] for d in found}
    pdf = server.get("inspector", record["pdf_url"])
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "陈先生" in text and record["code"] in text
    verify = server.get("inspector", f"/verify/walkthrough/{record['id']}?code={record['code']}")
    assert 'data-result="authentic"' in verify.text
