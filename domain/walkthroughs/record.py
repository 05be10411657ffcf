"""Tamper evidence for signed walkthroughs.

``content_hash`` is SHA-256 over a canonical JSON of everything that was signed: the unit, the round, the
items with their photo hashes, the owner's remarks, both signatures and the signing time. ``seal`` is an
HMAC-SHA256 of that hash under a key only the server holds (derived from its SECRET_KEY): it is printed on
the PDF as the verification code. Anyone with the code can ask the server whether the stored record still
has that seal — someone who changed the database could recompute the hash but not the seal. A changed PDF
is caught by comparing its bytes with the PDF the server handed out (its SHA-256 is stored).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import Defect
from domain.models.walkthrough import Walkthrough

SEAL_LENGTH = 20  # hex characters of the HMAC printed on the PDF (80 bits)


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def content_of(w: Walkthrough) -> dict[str, Any]:
    return {
        "id": str(w.id),
        "unit_id": w.unit_id,
        "inspection_id": str(w.inspection_id),
        "round": w.round,
        "signed_at": w.signed_at.isoformat(),
        "owner_name": w.owner_name,
        "owner_remarks": w.owner_remarks,
        "items": w.items,
        "owner_signature": w.owner_signature,
        "inspector_signature": w.inspector_signature,
    }


def content_hash(w: Walkthrough) -> str:
    return hashlib.sha256(_canonical(content_of(w))).hexdigest()


def seal(key: bytes, digest: str) -> str:
    return hmac.new(key, b"walkthrough:" + digest.encode(), hashlib.sha256).hexdigest()[:SEAL_LENGTH]


def verify_record(key: bytes, w: Walkthrough, code: str) -> bool:
    """Whether the stored record is the one that was sealed with ``code`` (content and stored hash agree,
    and the seal over them is the code)."""
    digest = content_hash(w)
    return hmac.compare_digest(digest, w.content_hash) and hmac.compare_digest(seal(key, digest), code.lower())


def added_after_signing(session: Session, w: Walkthrough) -> list[uuid.UUID]:
    """Defects of the same unit and round that the latest signing does not contain (签字后新增)."""
    signed = {uuid.UUID(item["id"]) for item in w.items}
    rows = session.scalars(
        select(Defect.id)
        .where(Defect.unit_id == w.unit_id, Defect.inspection_id == w.inspection_id, Defect.status != "void")
        .order_by(Defect.created_at)
    )
    return [i for i in rows if i not in signed]
