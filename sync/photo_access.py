"""Which photos a user may attach to a defect, for a whole push in a few queries.

A device may name a photo only if its user uploaded those bytes, or can already see the photo (on a
defect they may see, or as the plan image of a project they may see). A removal tombstone (a photo row
that was never added) grants nothing. Naming bytes the server does not hold yet is allowed: the PWA
pushes a new defect before its photos finish uploading, and nothing can be revealed by a hash whose bytes
are not here; its author holds the bytes, and anyone else who knows the hash already sees the defect
naming it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain import policy
from domain.models import Defect, DefectPhoto, Photo, PhotoUploader, PlanType, Project, User

from .bulk import one_of


def attachable(session: Session, user: User, hashes: Iterable[str]) -> set[str]:
    """The subset of ``hashes`` that ``user`` may attach (including bytes not uploaded yet)."""
    wanted = set(hashes)
    if not wanted:
        return set()
    stored = set(session.scalars(select(Photo.sha256).where(one_of(session, Photo.sha256, wanted))))
    return (wanted - stored) | visible(session, user, stored)


def visible(session: Session, user: User, stored: set[str]) -> set[str]:
    """The subset of ``stored`` (hashes of photos the server holds) that ``user`` may see: the same rule
    as ``domain.policy.can_see_photo``, for many photos in at most three queries."""
    allowed: set[str] = set()
    rest = set(stored)
    if rest:
        mine = select(PhotoUploader.sha256).where(
            one_of(session, PhotoUploader.sha256, rest), PhotoUploader.user_id == user.id
        )
        allowed |= set(session.scalars(mine))
        rest = rest - allowed
    if rest:
        on_defects = (
            select(DefectPhoto.sha256)
            .join(Defect, Defect.id == DefectPhoto.defect_id)
            .where(one_of(session, DefectPhoto.sha256, rest), policy.photo_was_added(), policy.defect_filter(user))
        )
        allowed |= set(session.scalars(on_defects))
        rest = rest - allowed
    if rest:
        on_plans = (
            select(PlanType.plan_sha256)
            .join(Project, Project.id == PlanType.project_id)
            .where(one_of(session, PlanType.plan_sha256, rest), policy.project_filter(user))
        )
        allowed |= {sha for sha in session.scalars(on_plans) if sha}
    return allowed
