"""The media settings, from any mapping with the ``MEDIA_*`` / ``S3_*`` keys (the Flask config, a dict)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta, timezone
from typing import Any


class MediaError(Exception):
    """Something a client did wrong with a photo: carries the HTTP status and a bilingual message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class MediaSettings:
    max_bytes: int = 40 * 1024 * 1024
    max_pixels: int = 60_000_000
    keep_gps: bool = False
    thumb_px: int = 320
    display_px: int = 1600
    url_ttl: timedelta = timedelta(minutes=10)
    gc_grace: timedelta = timedelta(days=14)
    camera_tz: timezone = timezone(timedelta(hours=8))  # when a photo's EXIF has no offset
    tmp_dir: str = tempfile.gettempdir()

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> MediaSettings:
        defaults = cls()
        return cls(
            max_bytes=int(config.get("MEDIA_MAX_BYTES", defaults.max_bytes)),
            max_pixels=int(config.get("MEDIA_MAX_PIXELS", defaults.max_pixels)),
            keep_gps=bool(config.get("MEDIA_KEEP_GPS", defaults.keep_gps)),
            thumb_px=int(config.get("MEDIA_THUMB_PX", defaults.thumb_px)),
            display_px=int(config.get("MEDIA_DISPLAY_PX", defaults.display_px)),
            url_ttl=timedelta(seconds=int(config.get("MEDIA_URL_TTL_SECONDS", 600))),
            gc_grace=timedelta(hours=float(config.get("MEDIA_GC_GRACE_HOURS", 14 * 24))),
            camera_tz=timezone(timedelta(minutes=int(config.get("MEDIA_CAMERA_UTC_OFFSET_MINUTES", 8 * 60)))),
            tmp_dir=str(config.get("MEDIA_TMP_DIR") or defaults.tmp_dir),
        )
