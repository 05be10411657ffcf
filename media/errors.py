"""What a client can do wrong with a photo or an upload: one stable code each (domain.errors), so the
tablet can word the refusal in the user's language and decide whether a retry can help."""

from __future__ import annotations

from domain.errors import DomainError, define

# The file itself: no retry of the same bytes will help.
BAD_NAME = define("photo_bad_name", 400, "A photo is named by its 64-hex-digit SHA-256")
EMPTY = define("photo_empty", 400, "The request has no photo bytes")
TOO_LARGE = define("photo_too_large", 413, "The photo is larger than the size limit")
HASH_MISMATCH = define("photo_hash_mismatch", 422, "The bytes do not match the photo's SHA-256")
NOT_AN_IMAGE = define("photo_not_an_image", 415, "Not a supported image (JPEG, PNG, WebP, HEIC)")
TOO_MANY_PIXELS = define("photo_too_many_pixels", 422, "The image has too many pixels")
DAMAGED = define("photo_damaged", 422, "The image file is damaged or truncated")
TOO_MUCH_METADATA = define("photo_too_much_metadata", 422, "The photo carries too much metadata")
TOO_MUCH_MEMORY = define("photo_too_much_memory", 422, "The image would need too much memory to process")

# The upload session: start again or continue from where the server says.
TOO_MANY_OPEN = define("upload_too_many_open", 429, "Too many unfinished uploads")
UPLOAD_NOT_FOUND = define("upload_not_found", 404, "No such upload (it may have finished or expired)")
WRONG_KIND = define("upload_wrong_kind", 409, "This upload does not take this request")
OFFSET_MISMATCH = define("upload_offset_mismatch", 409, "The upload continues from another offset")
CHUNK_TOO_LONG = define("upload_chunk_too_long", 413, "The chunk is longer than what remains or the chunk limit")
UPLOAD_BROKEN = define("upload_broken", 409, "Part of the upload is gone; start again")
DIRECT_UNAVAILABLE = define("upload_direct_unavailable", 409, "Direct upload needs S3 storage")
NOT_ARRIVED = define("upload_not_arrived", 409, "The uploaded file has not arrived yet")
TOO_MANY_PARTS = define("upload_too_many_parts", 413, "The file needs too many parts")
BAD_PART_NUMBER = define("upload_bad_part_number", 422, "The part number is out of range")
PARTS_MISSING = define("upload_parts_missing", 409, "Some parts have not arrived")


class MediaError(DomainError):
    """A refusal about a photo: a stable ``code`` (its HTTP status comes with it) and a bilingual message."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)
        self.message = message
