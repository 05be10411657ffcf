"""The signed record of a walkthrough: its canonical content, hash and server seal, and what was added
to the unit after it was signed. Plain Python over the models (no Flask)."""

from .record import (
    added_after_signing,
    content_hash,
    seal,
    verify_record,
)

__all__ = ["added_after_signing", "content_hash", "seal", "verify_record"]
