"""Vector mark-up stored beside the untouched photo, and its flattened rendering for reports."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image

from media.storage import Storage, photo_key
from tests.media.conftest import Scene, put, sha
from tests.sync.device import SimDevice

SHAPES = [
    {"type": "arrow", "x0": 0.1, "y0": 0.9, "x1": 0.5, "y1": 0.5, "color": "#00FF00"},
    {"type": "circle", "cx": 0.5, "cy": 0.5, "r": 0.2, "color": "#0000FF", "width": 0.01},
    {"type": "text", "x": 0.05, "y": 0.05, "text": "空鼓 30×40cm", "color": "#FFFF00"},
]


def grey_photo(client: FlaskClient, headers: dict[str, str]) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (128, 128, 128)).save(buf, "JPEG", quality=95)
    data = buf.getvalue()
    with put(client, headers, data) as r:
        assert r.status_code == 201
    return sha(data)


def annotate(client: FlaskClient, headers: dict[str, str], digest: str, shapes: Any, base: str = "") -> dict[str, Any]:
    """Mark-up is written through sync, like every other edit (photo.annotate)."""
    device = SimDevice(client, headers)
    device.mutate("photo.annotate", sha256=digest, shapes=shapes, base=base)
    [result] = device.push()
    return result


def test_annotate_and_render(client: FlaskClient, auth: Any, scene: Scene, storage: Storage) -> None:
    headers = auth.headers(scene.inspector)
    digest = grey_photo(client, headers)
    with storage.open(photo_key(digest)) as fh:
        original = fh.read()
    with client.get(f"/api/photos/{digest}/annotations", headers=headers) as r:
        assert r.status_code == 200 and r.json["shapes"] == []
    assert annotate(client, headers, digest, SHAPES)["status"] == "applied"
    with client.get(f"/api/photos/{digest}/annotations", headers=headers) as r:
        assert [s["type"] for s in r.json["shapes"]] == ["arrow", "circle", "text"]
        assert r.json["updated_by_id"] == scene.inspector.id and r.json["clock"]
    with client.put(f"/api/photos/{digest}/annotations", json={"shapes": SHAPES}, headers=headers) as r:
        assert r.status_code == 405  # no write path beside sync
    with client.get(f"/api/photos/{digest}/annotated", headers=headers) as r:
        assert r.status_code == 200 and r.mimetype == "image/jpeg"
        with Image.open(io.BytesIO(r.data)) as img:
            flat = img.convert("RGB")
    assert flat.size == (800, 600)
    # The circle's blue ring crosses the horizontal midline at cx ± r (r is a fraction of the width).
    ring = flat.getpixel((round(0.5 * 800 + 0.2 * 800), 300))
    assert ring[2] > 140 and ring[2] - ring[0] > 100, ring  # blue (JPEG blurs the colour a little)
    # The arrow's green shaft passes through its midpoint.
    mid = flat.getpixel((round(0.3 * 800), round(0.7 * 600)))
    assert mid[1] > 140 and mid[1] - mid[0] > 100, mid
    assert flat.getpixel((780, 20)) == pytest.approx((128, 128, 128), abs=6)  # untouched elsewhere
    with storage.open(photo_key(digest)) as fh:
        assert fh.read() == original  # the evidence itself never changes


@pytest.mark.parametrize(
    "shape",
    [
        {"type": "arrow", "x0": 0.1, "y0": 0.1},  # missing the head
        {"type": "circle", "cx": 1.5, "cy": 0.5, "r": 0.1},  # outside the photo
        {"type": "text", "x": 0.1, "y": 0.1, "text": "x" * 201},
        {"type": "star", "x": 0.1, "y": 0.1},
        {"type": "arrow", "x0": 0, "y0": 0, "x1": 1, "y1": 1, "color": "red; drop table"},
        {"type": "arrow", "x0": 0, "y0": 0, "x1": 1, "y1": 1, "onclick": "x"},
    ],
)
def test_bad_shapes_refused(client: FlaskClient, auth: Any, scene: Scene, shape: dict[str, Any]) -> None:
    headers = auth.headers(scene.inspector)
    digest = grey_photo(client, headers)
    result = annotate(client, headers, digest, [shape])
    assert result["status"] == "rejected" and result["code"] == "mutation_invalid"


def test_who_may_annotate(client: FlaskClient, auth: Any, scene: Scene) -> None:
    headers = auth.headers(scene.inspector)
    digest = grey_photo(client, headers)
    scene.defect_with(digest, inspection_id=None, reporter_id=scene.owner.id)  # reported by the homeowner
    shapes = SHAPES[:1]
    refused = annotate(client, auth.headers(scene.owner), digest, shapes)
    assert refused["status"] == "rejected" and refused["code"] == "forbidden"  # homeowners see, staff mark up
    with client.get(f"/api/photos/{digest}/annotated", headers=auth.headers(scene.owner)) as r:
        assert r.status_code == 200
    unseen = annotate(client, auth.headers(scene.outsider), digest, shapes)
    assert unseen["status"] == "rejected" and unseen["code"] == "not_found"
    assert annotate(client, auth.headers(scene.manager), digest, shapes)["status"] == "applied"
