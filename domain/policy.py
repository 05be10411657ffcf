"""Who may see what. Every endpoint and the sync pull ask this module; nothing else decides scope.

- admin: everything
- manager / inspector: the projects they are members of
- crew: defects assigned to their contractor (and the units and projects those defects are in)
- homeowner: their own units, and on them the defects found with them (customer-facing inspections
  or reported by themselves), never internal findings of other units.

Each rule is a SQL expression, so a list query and the sync pull filter in the database instead of
loading rows and checking them one by one. Out-of-scope requests answer 404 (don't reveal existence).

A user's ``scope_version`` goes up whenever their scope can change (``domain.models.scope_version``).
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from .models import (
    Defect,
    DefectPhoto,
    HomeownerUnit,
    Inspection,
    Membership,
    PhotoUploader,
    PlanType,
    Project,
    Unit,
    User,
)

# Inspections a homeowner takes part in; their findings are shown to the homeowner of the unit.
CUSTOMER_FACING_KINDS = ("open_day", "pre_inspection", "delivery", "warranty")
STAFF_ROLES = ("manager", "inspector")


def _member_projects(user: User) -> Select[int]:
    return select(Membership.project_id).where(Membership.user_id == user.id)


def _owned_units(user: User) -> Select[int]:
    return select(HomeownerUnit.unit_id).where(HomeownerUnit.user_id == user.id)


def defect_filter(user: User) -> ColumnElement[bool]:
    if not user.active:
        return false()
    if user.role == "admin":
        return true()
    if user.role in STAFF_ROLES:
        return Defect.project_id.in_(_member_projects(user))
    if user.role == "crew":
        if user.contractor_id is None:
            return false()
        return Defect.contractor_id == user.contractor_id
    if user.role == "homeowner":
        customer_inspections = select(Inspection.id).where(Inspection.kind.in_(CUSTOMER_FACING_KINDS))
        return Defect.unit_id.in_(_owned_units(user)) & or_(
            Defect.reporter_id == user.id, Defect.inspection_id.in_(customer_inspections)
        )
    return false()


def unit_filter(user: User) -> ColumnElement[bool]:
    if not user.active:
        return false()
    if user.role == "admin":
        return true()
    if user.role in STAFF_ROLES:
        return Unit.project_id.in_(_member_projects(user))
    if user.role == "crew":
        return Unit.id.in_(select(Defect.unit_id).where(defect_filter(user)))
    if user.role == "homeowner":
        return Unit.id.in_(_owned_units(user))
    return false()


def project_filter(user: User) -> ColumnElement[bool]:
    if not user.active:
        return false()
    if user.role == "admin":
        return true()
    if user.role in STAFF_ROLES:
        return Project.id.in_(_member_projects(user))
    if user.role == "crew":
        return Project.id.in_(select(Defect.project_id).where(defect_filter(user)))
    if user.role == "homeowner":
        return Project.id.in_(select(Unit.project_id).where(Unit.id.in_(_owned_units(user))))
    return false()


def visible_project_ids(session: Session, user: User) -> set[int]:
    return set(session.scalars(select(Project.id).where(project_filter(user))))


def can_see_project(session: Session, user: User, project_id: int) -> bool:
    stmt = select(Project.id).where(Project.id == project_id, project_filter(user))
    return session.scalar(stmt) is not None


def can_see_unit(session: Session, user: User, unit_id: int) -> bool:
    return session.scalar(select(Unit.id).where(Unit.id == unit_id, unit_filter(user))) is not None


def can_see_defect(session: Session, user: User, defect_id: uuid.UUID) -> bool:
    stmt = select(Defect.id).where(Defect.id == defect_id, defect_filter(user))
    return session.scalar(stmt) is not None


def can_manage_project(session: Session, user: User, project_id: int) -> bool:
    """Set-up and dispatch rights: admins everywhere, managers on their projects."""
    if user.role == "admin" and user.active:
        return True
    return user.role == "manager" and can_see_project(session, user, project_id)


def photo_was_added() -> ColumnElement[bool]:
    """A defect's photo row that was added at some point: not a removal tombstone (a ``photo_remove`` that
    arrived for a photo never on the defect, remembered so that a late add stays removed). A tombstone
    grants nobody access to the photo it names."""
    return or_(DefectPhoto.clock != "", DefectPhoto.removed_clock.is_(None))


def can_see_photo(session: Session, user: User, sha256: str) -> bool:
    """A photo is visible if it belongs to a visible defect, or is the plan image of a visible project, or
    the user uploaded these exact bytes (the defect naming it may sync later than the photo). A removal
    tombstone grants nothing (``photo_was_added``)."""
    if not user.active:
        return False
    uploaded = select(PhotoUploader.id).where(PhotoUploader.sha256 == sha256, PhotoUploader.user_id == user.id)
    if session.scalar(uploaded.limit(1)) is not None:
        return True
    on_defect = (
        select(DefectPhoto.id)
        .join(Defect, Defect.id == DefectPhoto.defect_id)
        .where(DefectPhoto.sha256 == sha256, photo_was_added(), defect_filter(user))
        .limit(1)
    )
    if session.scalar(on_defect) is not None:
        return True
    on_plan = (
        select(PlanType.id)
        .join(Project, Project.id == PlanType.project_id)
        .where(PlanType.plan_sha256 == sha256, project_filter(user))
        .limit(1)
    )
    return session.scalar(on_plan) is not None
