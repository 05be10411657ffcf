"""Clean-up: remove photos nobody refers to once their grace period is over, and abandoned uploads.

A photo is referenced while any defect lists it (even one removed from the defect: the history still
shows it) or it is a floor plan. Unreferenced photos are kept for a grace period after their last upload,
because a device may upload a photo days before the record that names it gets a signal.

This commits as it goes: a photo's row is deleted and committed before its blobs are, so a failure half
way leaves blobs without a row (removed on the next run), never a row without its blobs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from domain.models import DefectPhoto, Photo, PhotoAnnotation, PhotoJob, PhotoUpload, PhotoUploader, PlanType, utcnow

from .storage import PHOTO_KEY, Storage, photo_key
from .uploads import discard


@dataclass
class GcReport:
    photos: list[str] = field(default_factory=list)
    uploads: int = 0
    stray_objects: int = 0
    bytes_freed: int = 0


def _referenced(sha_column: object) -> object:
    on_defect = exists().where(DefectPhoto.sha256 == sha_column)
    on_plan = exists().where(PlanType.plan_sha256 == sha_column)
    return on_defect | on_plan


def collect(
    session: Session, storage: Storage, grace: timedelta, now: datetime | None = None, dry_run: bool = False
) -> GcReport:
    now = now or utcnow()
    cutoff = now - grace
    report = GcReport()

    candidates = session.scalars(
        select(Photo).where(Photo.last_seen_at < cutoff, ~_referenced(Photo.sha256)).order_by(Photo.sha256)  # type: ignore[operator]
    ).all()
    for photo in candidates:
        report.photos.append(photo.sha256)
        report.bytes_freed += photo.size
        if dry_run:
            continue
        # Re-check in the DELETE itself: a sync push may have referenced the photo since the SELECT.
        sha = photo.sha256
        session.expunge(photo)
        session.execute(delete(PhotoAnnotation).where(PhotoAnnotation.sha256 == sha))
        session.execute(delete(PhotoUploader).where(PhotoUploader.sha256 == sha))
        session.execute(delete(PhotoJob).where(PhotoJob.sha256 == sha))
        gone = session.execute(
            delete(Photo).where(Photo.sha256 == sha, ~_referenced(Photo.sha256))  # type: ignore[operator]
        )
        session.commit()
        if gone.rowcount == 1:  # type: ignore[attr-defined]
            for variant in ("thumb", "display", "clean", "original"):
                storage.delete(photo_key(sha, variant))
        else:
            report.photos.remove(sha)
            report.bytes_freed -= photo.size

    stale = session.scalars(select(PhotoUpload).where(PhotoUpload.updated_at < cutoff)).all()
    for upload in stale:
        report.uploads += 1
        if not dry_run:
            discard(session, storage, upload)
            session.commit()

    # Blobs with no row: a worker died between storing the files and recording the photo.
    known_uploads = {str(u) for u in session.scalars(select(PhotoUpload.id))}
    for obj in storage.iter_objects():
        if obj.modified >= cutoff:
            continue
        match = PHOTO_KEY.match(obj.key)
        if match:
            if session.get(Photo, match.group(1)) is not None:
                continue
        elif obj.key.startswith(("uploads/", "incoming/")):
            if obj.key.split("/")[1] in known_uploads:
                continue
        else:
            continue  # not ours to judge
        report.stray_objects += 1
        report.bytes_freed += obj.size
        if not dry_run:
            storage.delete(obj.key)
    return report
