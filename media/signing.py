"""Short-lived signed URLs for photos on local disk, so an ``<img src>`` works without a bearer header.

The signature is an HMAC of (hash, size, expiry) under the app's secret: it cannot be guessed, forged or
extended, and it stops working at the expiry it names. S3 uses its own presigned URLs instead.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def _wall_clock() -> datetime:
    return datetime.now(UTC)


# What sign() and verify() take as the time when no ``now`` is passed (tests move it instead of waiting).
clock: Callable[[], datetime] = _wall_clock


def _mac(secret: str, sha256: str, size: str, expires: int) -> str:
    msg = f"photo:{sha256}:{size}:{expires}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def sign(secret: str, sha256: str, size: str, ttl: timedelta, now: datetime | None = None) -> tuple[int, str]:
    """(expires as a Unix timestamp, signature)."""
    expires = int(((now or clock()) + ttl).timestamp())
    return expires, _mac(secret, sha256, size, expires)


def verify(secret: str, sha256: str, size: str, expires: int, signature: str, now: datetime | None = None) -> bool:
    if (now or clock()).timestamp() > expires:
        return False
    # Bytes, not str: compare_digest refuses non-ASCII strings, and a forged signature may contain any.
    return hmac.compare_digest(_mac(secret, sha256, size, expires).encode(), signature.encode("utf-8", "replace"))
