"""The stable codes a push answers per mutation (``rejected`` and ``conflict`` results), and conflict
resolution's refusals. Defined once here, worded by the PWA (``pwa/src/i18n/errors.js``)."""

from __future__ import annotations

from domain.errors import FORBIDDEN, NOT_FOUND, define

__all__ = ["FORBIDDEN", "NOT_FOUND"]

MUTATION_UNKNOWN = define("mutation_unknown", 422, "Unknown mutation name; the app is newer or older than the server")
MUTATION_INVALID = define("mutation_invalid", 422, "A mutation's arguments are invalid")
CLOCK_INVALID = define("clock_invalid", 422, "A mutation's clock stamp is malformed or names another device")
ID_TAKEN = define("id_taken", 409, "The id is already used by another record")
REFERENCE_INVALID = define("reference_invalid", 422, "A referenced room, type, inspection or contractor does not fit")
PHOTO_NOT_YOURS = define(
    "photo_not_yours", 403, "A photo may be attached only by its uploader or someone who can see it"
)
SEQ_EXPIRED = define("seq_expired", 409, "This sequence number has already passed")
STALE_STATUS = define("stale_status", 409, "The defect's status changed before this status change arrived")
TRANSITION_NOT_ALLOWED = define("transition_not_allowed", 403, "This status change is not allowed now")
