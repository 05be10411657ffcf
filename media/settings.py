"""The media settings, from any mapping with the ``MEDIA_*`` / ``S3_*`` keys (the Flask config, a dict)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta, timezone
from typing import Any


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
    # Hostile files: a JPEG's metadata segments are counted before the image library parses them, and the
    # memory a decode needs is estimated from the header and refused past ``max_decode_bytes``.
    max_metadata_segments: int = 64
    max_metadata_bytes: int = 4 * 1024 * 1024
    max_decode_bytes: int = 256 * 1024 * 1024
    decode_budget_bytes: int = 512 * 1024 * 1024  # all decodes of one process together
    display_max_px: int = 2048  # a photo no larger is its own display copy (the PWA sends ≤ 2048 px)
    # Unfinished uploads, per user; an upload untouched this long is abandoned.
    max_open_uploads: int = 8
    max_open_upload_bytes: int = 80 * 1024 * 1024
    upload_ttl: timedelta = timedelta(hours=24)
    s3_part_bytes: int = 5 * 1024 * 1024  # S3's smallest part (but the last)
    derivatives: str = "worker"  # worker: made by `flask photos work`; inline: in the upload request
    job_lease: timedelta = timedelta(minutes=2)
    job_max_attempts: int = 5

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
            max_metadata_segments=int(config.get("MEDIA_MAX_METADATA_SEGMENTS", defaults.max_metadata_segments)),
            max_metadata_bytes=int(config.get("MEDIA_MAX_METADATA_BYTES", defaults.max_metadata_bytes)),
            max_decode_bytes=int(config.get("MEDIA_MAX_DECODE_BYTES", defaults.max_decode_bytes)),
            decode_budget_bytes=int(config.get("MEDIA_DECODE_BUDGET_BYTES", defaults.decode_budget_bytes)),
            display_max_px=int(config.get("MEDIA_DISPLAY_MAX_PX", defaults.display_max_px)),
            max_open_uploads=int(config.get("MEDIA_MAX_OPEN_UPLOADS", defaults.max_open_uploads)),
            max_open_upload_bytes=int(config.get("MEDIA_MAX_OPEN_UPLOAD_BYTES", defaults.max_open_upload_bytes)),
            upload_ttl=timedelta(hours=float(config.get("MEDIA_UPLOAD_TTL_HOURS", 24))),
            s3_part_bytes=int(config.get("MEDIA_S3_PART_BYTES", defaults.s3_part_bytes)),
            derivatives=str(config.get("MEDIA_DERIVATIVES") or defaults.derivatives),
            job_lease=timedelta(seconds=float(config.get("MEDIA_JOB_LEASE_SECONDS", 120))),
            job_max_attempts=int(config.get("MEDIA_JOB_MAX_ATTEMPTS", defaults.job_max_attempts)),
        )
